// Line icons for the phones, on the portal's 24-unit grid, drawn with the current text colour.
export type PhoneIconName =
  | 'phone'
  | 'hangup'
  | 'mic'
  | 'mic-off'
  | 'pause'
  | 'play'
  | 'keypad'
  | 'history'
  | 'settings'
  | 'logout'
  | 'incoming'
  | 'outgoing'
  | 'missed'
  | 'backspace'
  | 'voicemail'
  | 'download'
  | 'trash'
  | 'check';

const HANDSET =
  'M22 16.92v3a2 2 0 0 1-2.18 2 19.8 19.8 0 0 1-8.63-3.07 19.5 19.5 0 0 1-6-6A19.8 19.8 0 0 1 2.12 4.18 2 2 0 0 1 4.11 2h3a2 2 0 0 1 2 1.72c.13.96.36 1.9.7 2.81a2 2 0 0 1-.45 2.11L8.09 9.91a16 16 0 0 0 6 6l1.27-1.27a2 2 0 0 1 2.11-.45c.91.34 1.85.57 2.81.7A2 2 0 0 1 22 16.92z';

const PATHS: Record<PhoneIconName, string[]> = {
  phone: [HANDSET],
  hangup: [
    'M10.68 13.31a16 16 0 0 0 3.41 2.6l1.27-1.27a2 2 0 0 1 2.11-.45c.91.34 1.85.57 2.81.7A2 2 0 0 1 22 16.92v3a2 2 0 0 1-2.18 2 19.8 19.8 0 0 1-8.63-3.07 19.4 19.4 0 0 1-3.33-2.67m-2.67-3.34A19.8 19.8 0 0 1 2.12 4.18 2 2 0 0 1 4.11 2h3a2 2 0 0 1 2 1.72c.13.96.36 1.9.7 2.81a2 2 0 0 1-.45 2.11L8.09 9.91',
    'M23 1L1 23',
  ],
  mic: ['M12 1a3 3 0 0 0-3 3v8a3 3 0 0 0 6 0V4a3 3 0 0 0-3-3z', 'M19 10v2a7 7 0 0 1-14 0v-2', 'M12 19v4', 'M8 23h8'],
  'mic-off': ['M1 1l22 22', 'M9 9v3a3 3 0 0 0 5.12 2.12M15 9.34V4a3 3 0 0 0-5.94-.6', 'M17 16.95A7 7 0 0 1 5 12v-2m14 0v2a7 7 0 0 1-.11 1.23', 'M12 19v4', 'M8 23h8'],
  pause: ['M6 4h4v16H6z', 'M14 4h4v16h-4z'],
  play: ['M5 3l14 9-14 9V3z'],
  keypad: ['M5 4h2v2H5z', 'M11 4h2v2h-2z', 'M17 4h2v2h-2z', 'M5 10h2v2H5z', 'M11 10h2v2h-2z', 'M17 10h2v2h-2z', 'M5 16h2v2H5z', 'M11 16h2v2h-2z', 'M17 16h2v2h-2z', 'M11 21h2v1h-2z'],
  history: ['M12 2a10 10 0 1 0 0 20a10 10 0 1 0 0-20z', 'M12 6v6l4 2'],
  settings: ['M4 21v-7', 'M4 10V3', 'M12 21v-9', 'M12 8V3', 'M20 21v-5', 'M20 12V3', 'M1 14h6', 'M9 8h6', 'M17 16h6'],
  logout: ['M9 21H5a2 2 0 0 1-2-2V5a2 2 0 0 1 2-2h4', 'M16 17l5-5-5-5', 'M21 12H9'],
  incoming: ['M17 7L7 17', 'M17 17H7V7'],
  outgoing: ['M7 17L17 7', 'M7 7h10v10'],
  missed: ['M23 1l-6 6', 'M17 1l6 6', HANDSET],
  backspace: ['M21 4H8l-7 8 7 8h13a2 2 0 0 0 2-2V6a2 2 0 0 0-2-2z', 'M18 9l-6 6', 'M12 9l6 6'],
  voicemail: ['M5.5 7a4.5 4.5 0 1 0 0 9a4.5 4.5 0 1 0 0-9z', 'M18.5 7a4.5 4.5 0 1 0 0 9a4.5 4.5 0 1 0 0-9z', 'M5.5 16h13'],
  download: ['M21 15v4a2 2 0 0 1-2 2H5a2 2 0 0 1-2-2v-4', 'M7 10l5 5 5-5', 'M12 15V3'],
  trash: ['M3 6h18', 'M19 6l-1 14a2 2 0 0 1-2 2H8a2 2 0 0 1-2-2L5 6', 'M10 11v6', 'M14 11v6', 'M9 6V4a1 1 0 0 1 1-1h4a1 1 0 0 1 1 1v2'],
  check: ['M20 6L9 17l-5-5'],
};

export function PhoneIcon({ name, size = 18 }: { name: PhoneIconName; size?: number }) {
  return (
    <svg class="icon" viewBox="0 0 24 24" width={size} height={size} fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true">
      {PATHS[name].map((d) => (
        <path key={d} d={d} />
      ))}
    </svg>
  );
}
