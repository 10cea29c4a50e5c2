/** A small, consistent icon set (16px grid, 1.5 stroke) so the UI needs no icon dependency. */
import type { SVGProps } from 'react';

type IconProps = SVGProps<SVGSVGElement> & { size?: number };

function Svg({ size = 16, children, ...rest }: IconProps) {
  return (
    <svg
      width={size}
      height={size}
      viewBox="0 0 16 16"
      fill="none"
      stroke="currentColor"
      strokeWidth={1.5}
      strokeLinecap="round"
      strokeLinejoin="round"
      aria-hidden="true"
      {...rest}
    >
      {children}
    </svg>
  );
}

export const IconError = (p: IconProps) => (
  <Svg {...p}>
    <circle cx="8" cy="8" r="6.25" fill="currentColor" stroke="none" />
    <path d="M8 4.8v3.6" stroke="#fff" />
    <circle cx="8" cy="10.9" r="0.6" fill="#fff" stroke="#fff" strokeWidth="0.6" />
  </Svg>
);
export const IconWarning = (p: IconProps) => (
  <Svg {...p}>
    <path d="M8 1.9 14.6 13.6H1.4Z" fill="currentColor" stroke="currentColor" strokeWidth="1.2" />
    <path d="M8 6.2v3.3" stroke="#fff" />
    <circle cx="8" cy="11.5" r="0.55" fill="#fff" stroke="#fff" strokeWidth="0.6" />
  </Svg>
);
export const IconCheck = (p: IconProps) => (
  <Svg {...p}>
    <path d="m3.5 8.5 3 3 6-7" />
  </Svg>
);
export const IconUndo = (p: IconProps) => (
  <Svg {...p}>
    <path d="M6 3.5 2.75 6.75 6 10" />
    <path d="M3 6.75h6.5a3.75 3.75 0 0 1 0 7.5H7.5" />
  </Svg>
);
export const IconRedo = (p: IconProps) => (
  <Svg {...p}>
    <path d="m10 3.5 3.25 3.25L10 10" />
    <path d="M13 6.75H6.5a3.75 3.75 0 0 0 0 7.5h2" />
  </Svg>
);
export const IconLayout = (p: IconProps) => (
  <Svg {...p}>
    <rect x="1.75" y="2.5" width="4" height="3.5" rx="1" />
    <rect x="10.25" y="2.5" width="4" height="3.5" rx="1" />
    <rect x="6" y="10" width="4" height="3.5" rx="1" />
    <path d="M3.75 6v2.25a1.5 1.5 0 0 0 1.5 1.5H6M12.25 6v2.25a1.5 1.5 0 0 1-1.5 1.5H10" />
  </Svg>
);
export const IconFit = (p: IconProps) => (
  <Svg {...p}>
    <path d="M2 5.5V3a1 1 0 0 1 1-1h2.5M10.5 2H13a1 1 0 0 1 1 1v2.5M14 10.5V13a1 1 0 0 1-1 1h-2.5M5.5 14H3a1 1 0 0 1-1-1v-2.5" />
    <rect x="5.25" y="5.25" width="5.5" height="5.5" rx="1" />
  </Svg>
);
export const IconKeyboard = (p: IconProps) => (
  <Svg {...p}>
    <rect x="1.5" y="3.75" width="13" height="8.5" rx="1.5" />
    <path d="M4.25 6.5h.01M6.75 6.5h.01M9.25 6.5h.01M11.75 6.5h.01M4.5 9.5h7" />
  </Svg>
);
export const IconOpen = (p: IconProps) => (
  <Svg {...p}>
    <path d="M8 10.5V2.25M5 5.25l3-3 3 3" />
    <path d="M2.5 10v2.5a1.25 1.25 0 0 0 1.25 1.25h8.5a1.25 1.25 0 0 0 1.25-1.25V10" />
  </Svg>
);
export const IconDownload = (p: IconProps) => (
  <Svg {...p}>
    <path d="M8 2.25v8.25M5 7.5l3 3 3-3" />
    <path d="M2.5 10v2.5a1.25 1.25 0 0 0 1.25 1.25h8.5a1.25 1.25 0 0 0 1.25-1.25V10" />
  </Svg>
);
export const IconTemplates = (p: IconProps) => (
  <Svg {...p}>
    <rect x="2" y="2" width="5" height="5" rx="1" />
    <rect x="9" y="2" width="5" height="5" rx="1" />
    <rect x="2" y="9" width="5" height="5" rx="1" />
    <rect x="9" y="9" width="5" height="5" rx="1" />
  </Svg>
);
export const IconPlus = (p: IconProps) => (
  <Svg {...p}>
    <path d="M8 3v10M3 8h10" />
  </Svg>
);
export const IconClose = (p: IconProps) => (
  <Svg {...p}>
    <path d="m4 4 8 8M12 4l-8 8" />
  </Svg>
);
export const IconSearch = (p: IconProps) => (
  <Svg {...p}>
    <circle cx="7" cy="7" r="4.25" />
    <path d="m10.25 10.25 3.25 3.25" />
  </Svg>
);
export const IconChevronDown = (p: IconProps) => (
  <Svg {...p}>
    <path d="m4.5 6.25 3.5 3.5 3.5-3.5" />
  </Svg>
);
export const IconSortUp = (p: IconProps) => (
  <Svg {...p}>
    <path d="m5 9.5 3-3 3 3" />
  </Svg>
);
export const IconSortDown = (p: IconProps) => (
  <Svg {...p}>
    <path d="m5 6.5 3 3 3-3" />
  </Svg>
);
export const IconTrash = (p: IconProps) => (
  <Svg {...p}>
    <path d="M2.75 4.25h10.5M6.25 4V2.75h3.5V4M4.25 4.25l.6 8.6a1 1 0 0 0 1 .9h4.3a1 1 0 0 0 1-.9l.6-8.6" />
  </Svg>
);
export const IconLogo = (p: IconProps) => (
  <Svg {...p} strokeWidth={1.8}>
    <path d="M2.5 3v5.5a5.5 5.5 0 0 0 11 0V3" />
    <path d="M2.5 5h3M10.5 5h3" strokeWidth={1.3} />
  </Svg>
);
export const IconMap = (p: IconProps) => (
  <Svg {...p}>
    <rect x="2" y="3" width="12" height="10" rx="1.5" />
    <rect x="8.5" y="8" width="4" height="3.5" rx="0.5" />
  </Svg>
);
export const IconBlocks = (p: IconProps) => (
  <Svg {...p}>
    <rect x="2.5" y="2.5" width="11" height="11" rx="2" strokeDasharray="2.5 1.6" />
    <rect x="5" y="5" width="6" height="6" rx="1" />
  </Svg>
);
