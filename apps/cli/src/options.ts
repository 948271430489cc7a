import { InvalidArgumentError } from 'commander';

/** Parses `HxWxC` (e.g. 32x32x3) into [height, width, channels]. */
export function parseInputShape(value: string): [number, number, number] {
  const match = /^(\d+)x(\d+)x(\d+)$/.exec(value);
  if (!match) throw new InvalidArgumentError(`'${value}' is not HxWxC, e.g. 32x32x3 or 28x28x1`);
  const shape = [Number(match[1]), Number(match[2]), Number(match[3])] as [number, number, number];
  if (shape.some((v) => v <= 0)) throw new InvalidArgumentError(`'${value}' has a zero dimension`);
  return shape;
}

export function parsePositiveInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new InvalidArgumentError(`'${value}' is not a positive integer`);
  return n;
}

export function parseNonNegativeInteger(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new InvalidArgumentError(`'${value}' is not a non-negative integer`);
  return n;
}

export function parsePositiveNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new InvalidArgumentError(`'${value}' is not a positive number`);
  return n;
}

export function parseNonNegativeNumber(value: string): number {
  const n = Number(value);
  if (!Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`'${value}' is not a non-negative number`);
  return n;
}

export function parseChoice<T extends string>(choices: readonly T[]) {
  return (value: string): T => {
    if (!choices.includes(value as T)) throw new InvalidArgumentError(`'${value}' is not one of ${choices.join(', ')}`);
    return value as T;
  };
}
