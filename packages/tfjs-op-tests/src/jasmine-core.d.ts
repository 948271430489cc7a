// jasmine-core's browser build has no types of its own; this is the part browser-jasmine.ts uses.
declare module 'jasmine-core/lib/jasmine-core/jasmine.js' {
  interface JasmineEnvironment {
    addReporter(reporter: object): void;
    configure(configuration: { random?: boolean }): void;
    execute(): Promise<unknown>;
  }
  interface JasmineRequire {
    core(require: JasmineRequire): { getEnv(): JasmineEnvironment };
    interface(jasmine: unknown, env: JasmineEnvironment): Record<string, unknown>;
  }
  const jasmineRequire: JasmineRequire;
  export default jasmineRequire;
}
