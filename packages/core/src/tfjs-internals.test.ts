import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { CHECKED_TFJS_CORE, checkTfjsVersion, engineState } from './tfjs-internals.js';

describe('tfjs internals', () => {
  it('the installed tfjs-core is the one they were checked against', () => {
    expect(tf.version_core.startsWith(`${CHECKED_TFJS_CORE}.`)).toBe(true);
    expect(() => checkTfjsVersion()).not.toThrow();
    expect(typeof engineState()).toBe('object');
  });

  it('another tfjs-core is refused at start-up, naming both versions and what to install', () => {
    expect(() => checkTfjsVersion('4.23.0')).toThrow(/checked against tfjs-core 4\.22\.x, and the installed tfjs-core is 4\.23\.0: install @tensorflow\/tfjs-core@~4\.22\.0/);
    expect(() => checkTfjsVersion('5.0.0-rc.1')).toThrow(/installed tfjs-core is 5\.0\.0-rc\.1/);
  });
});
