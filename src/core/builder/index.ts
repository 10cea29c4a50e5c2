export { buildUNet } from './build';
export { unetIds, unetRole, type UNetRole } from './ids';
export { layoutUNet, UNET_GRID } from './layout';
export {
  checkUNetOptions,
  DEFAULT_UNET_OPTIONS,
  HEAD_ACTIVATIONS,
  resolveUNetOptions,
  UNET_OPTION_FIELDS,
  UNET_OPTION_LABELS,
  UNET_OPTION_TABLE,
  UNetOptionsError,
  unetWidths,
  type OptionProblem,
  type UNetOptions,
  type UNetOptionsInput,
} from './options';
export { buildVariant, getVariant, UNET_VARIANTS, type UNetVariant } from './variants';
export { templateText } from './template-text';
