import { backend_util, getKernel, type NamedAttrMap, type TensorInfo } from '@tensorflow/tfjs-core';

/** The slice of the WASM backend a composite kernel needs: reference counting of data ids. */
export interface KernelBackend {
  disposeData(dataId: object, force?: boolean): boolean;
}

/**
 * Runs another kernel of the WASM backend directly (no engine, no tape), as tfjs's own
 * composite kernels do. The result is owned by the caller.
 */
export function callKernel(backend: KernelBackend, kernelName: string, inputs: Record<string, TensorInfo> | TensorInfo[], attrs: NamedAttrMap = {}): TensorInfo {
  const kernel = getKernel(kernelName, 'wasm');
  if (!kernel) throw new Error(`the WASM backend has no '${kernelName}' kernel`);
  return kernel.kernelFunc({ inputs: inputs as never, attrs, backend: backend as never }) as TensorInfo;
}

/** Frees intermediates made with `callKernel`. */
export function release(backend: KernelBackend, ...infos: TensorInfo[]): void {
  for (const info of infos) backend.disposeData(info.dataId);
}

/** The convolution geometry of a gradient kernel's attributes; NHWC and dilation 1 only, as tfjs's gradients use. */
export function nhwcConvolutionInfo(
  kernelName: string,
  inputShape: readonly number[],
  filterShape: readonly number[],
  attrs: { strides: number | [number, number]; pad: unknown; dataFormat: 'NHWC' | 'NCHW'; dimRoundingMode?: 'floor' | 'round' | 'ceil' },
): backend_util.Conv2DInfo {
  const format = backend_util.convertConv2DDataFormat(attrs.dataFormat);
  if (format !== 'channelsLast') throw new Error(`${kernelName} on WASM supports NHWC only, got ${attrs.dataFormat}`);
  return backend_util.computeConv2DInfo(
    inputShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides,
    1,
    attrs.pad as never,
    attrs.dimRoundingMode,
    false,
    format,
  );
}
