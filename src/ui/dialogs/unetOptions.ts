// The builder's public surface the dialog uses, in one place.
export {
  buildUNet,
  checkUNetOptions,
  DEFAULT_UNET_OPTIONS,
  UNET_OPTION_FIELDS,
  UNET_VARIANTS,
  type UNetOptionsInput,
} from '../../core/builder';
export { flatten as flattenOptions } from '../../core/builder/options';
