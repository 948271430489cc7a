// The shared build of single-entry packages.
export { default } from '../../tsup.package.ts';
