/**
 * The classic U-Net (templates/paper-572.json) as the paper draws it (Ronneberger et al. 2015, fig. 1), written out
 * by hand so the browser tests check the canvas against the paper, not against our own inference.
 */

/** Input to output along the main path: every edge the tensor travels, with the C×H×W it carries. */
export const PAPER_MAIN_PATH: readonly [edgeId: string, label: string][] = [
  ['e_input_enc0_conv1', '1×572×572'],
  ['e_enc0_conv1_enc0_conv2', '64×570×570'],
  ['e_enc0_conv2_down0', '64×568×568'],
  ['e_down0_enc1_conv1', '64×284×284'],
  ['e_enc1_conv1_enc1_conv2', '128×282×282'],
  ['e_enc1_conv2_down1', '128×280×280'],
  ['e_down1_enc2_conv1', '128×140×140'],
  ['e_enc2_conv1_enc2_conv2', '256×138×138'],
  ['e_enc2_conv2_down2', '256×136×136'],
  ['e_down2_enc3_conv1', '256×68×68'],
  ['e_enc3_conv1_enc3_conv2', '512×66×66'],
  ['e_enc3_conv2_down3', '512×64×64'],
  ['e_down3_enc4_conv1', '512×32×32'],
  ['e_enc4_conv1_enc4_conv2', '1024×30×30'],
  ['e_enc4_conv2_up3', '1024×28×28'],
  ['e_up3_cat3', '512×56×56'],
  ['e_cat3_dec3_conv1', '1024×56×56'],
  ['e_dec3_conv1_dec3_conv2', '512×54×54'],
  ['e_dec3_conv2_up2', '512×52×52'],
  ['e_up2_cat2', '256×104×104'],
  ['e_cat2_dec2_conv1', '512×104×104'],
  ['e_dec2_conv1_dec2_conv2', '256×102×102'],
  ['e_dec2_conv2_up1', '256×100×100'],
  ['e_up1_cat1', '128×200×200'],
  ['e_cat1_dec1_conv1', '256×200×200'],
  ['e_dec1_conv1_dec1_conv2', '128×198×198'],
  ['e_dec1_conv2_up0', '128×196×196'],
  ['e_up0_cat0', '64×392×392'],
  ['e_cat0_dec0_conv1', '128×392×392'],
  ['e_dec0_conv1_dec0_conv2', '64×390×390'],
  ['e_dec0_conv2_head', '64×388×388'],
  ['e_head_output', '2×388×388'],
];

/** The skips: encoder output → crop (with the up-conv as the size to crop to) → concat port 0. */
export const PAPER_SKIPS: readonly [edgeId: string, label: string][] = [
  ['e_enc3_conv2_crop3', '512×64×64'],
  ['e_up3_crop3', '512×56×56'],
  ['e_crop3_cat3', '512×56×56'],
  ['e_enc2_conv2_crop2', '256×136×136'],
  ['e_up2_crop2', '256×104×104'],
  ['e_crop2_cat2', '256×104×104'],
  ['e_enc1_conv2_crop1', '128×280×280'],
  ['e_up1_crop1', '128×200×200'],
  ['e_crop1_cat1', '128×200×200'],
  ['e_enc0_conv2_crop0', '64×568×568'],
  ['e_up0_crop0', '64×392×392'],
  ['e_crop0_cat0', '64×392×392'],
];

/** Every edge label of the paper network. */
export const PAPER_LABELS: Readonly<Record<string, string>> = Object.fromEntries([...PAPER_MAIN_PATH, ...PAPER_SKIPS]);

export const PAPER_MAIN_EDGES = PAPER_MAIN_PATH.map(([id]) => id);
