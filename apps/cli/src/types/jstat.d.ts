// The part of jstat (no types of its own) the study statistics use.
declare module 'jstat' {
  const jstat: { jStat: { studentt: { inv(p: number, degreesOfFreedom: number): number } } };
  export default jstat;
}
