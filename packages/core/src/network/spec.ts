/** The three network families of the paper. */
export type Family = 'resnet' | 'plain' | 'procresnet';
export const FAMILIES: readonly Family[] = ['resnet', 'plain', 'procresnet'];

export type BlockKind = 'basic' | 'bottleneck';
export const BLOCK_KINDS: readonly BlockKind[] = ['basic', 'bottleneck'];

/** What a user chooses; every field but family, block and n has the paper's default. */
export interface NetworkConfig {
  family: Family;
  block: BlockKind;
  /** Units per stage. */
  n: number;
  /** Base width w (16 in the paper). */
  width?: number;
  /** [height, width, channels] of one input image. */
  inputShape?: readonly [number, number, number];
  classes?: number;
  /**
   * How the convolutions are initialised (default 'he-fan-out'; absent in a config means it):
   * 'he-fan-out' He-normal with std √(2/(k²·cout)), as He et al.'s pre-activation code;
   * 'he-fan-in' He-normal with std √(2/(k²·cin)), Chainer's default; 'authors' the authors'
   * ProcResNet code: fan-in, the stem and the procresnet transitions scaled by √½.
   */
  initialization?: Initialization;
}

export const INITIALIZATIONS = ['he-fan-out', 'he-fan-in', 'authors'] as const;
export type Initialization = (typeof INITIALIZATIONS)[number];

/** A network config with its defaults filled; the initialisation stays as given (absent: he-fan-out), so configs that never chose one keep their text. */
export type ResolvedNetworkConfig = Required<Omit<NetworkConfig, 'initialization'>> & Pick<NetworkConfig, 'initialization'>;

/** One convolution of the network: where its kernel lives and the sizes it sees. */
export interface ConvolutionSpec {
  /** Weight name of the kernel, e.g. `units/3/conv2/kernel`. */
  name: string;
  kernelSize: number;
  stride: number;
  inChannels: number;
  outChannels: number;
  /** Spatial [height, width] of the input and of the output. */
  inputSize: [number, number];
  outputSize: [number, number];
}

export type UnitKind = 'residual' | 'plain' | 'transition';

/** A unit u_l of the chain between stem and head; x_l is its input. */
export interface UnitSpec {
  index: number;
  kind: UnitKind;
  /** Weight name prefix, `units/<index>`. */
  prefix: string;
  /** Block kind of the residual branch (absent for transitions). */
  block?: BlockKind;
  inChannels: number;
  midChannels: number;
  outChannels: number;
  stride: number;
  inputSize: [number, number];
  outputSize: [number, number];
  shortcut: 'identity' | 'projection' | 'none';
  /** The convolutions of the main path in order (for a transition, its single one). */
  convolutions: ConvolutionSpec[];
  /** The projection shortcut's convolution, if any. */
  shortcutConvolution?: ConvolutionSpec;
}

/** How a parameter starts: a convolution's He-normal draw (its mode and gain from the network's `initialization`), ones, zeros, or a dense layer's uniform. */
export type ParameterInitializer = 'he-normal' | 'ones' | 'zeros' | 'dense-uniform';

export interface ParameterSpec {
  name: string;
  shape: number[];
  /** Running statistics are state, not trainable parameters. */
  trainable: boolean;
  initializer: ParameterInitializer;
  /** For 'dense-uniform': the fan-in. */
  fanIn?: number;
}

export interface NetworkSpec {
  config: ResolvedNetworkConfig;
  /** Layers on the main path, counted as in the paper (e.g. 20 for resnet with n = 3). */
  depth: number;
  /** Canonical name, e.g. `resnet-20` or `procresnet-166`. */
  name: string;
  stem: { convolution: ConvolutionSpec; batchNorm: boolean };
  units: UnitSpec[];
  head: { channels: number; classes: number };
  parameters: ParameterSpec[];
  /** Convolutions whose spectrum the Procrustes regularizer controls (stem and transitions of procresnet). */
  spectralTargets: ConvolutionSpec[];
}
