// Sounds the PBX makes itself, generated rather than shipped: the ringback tone and the default
// music on hold (a calm, royalty-free loop composed here in code).

/** France's ringback: 440 Hz, 1.5 s on, 3.5 s off. One cycle; the player loops it. */
export function ringbackTone(sampleRate: number): Float32Array {
  const samples = new Float32Array(Math.round(5 * sampleRate));
  const on = Math.round(1.5 * sampleRate);
  const ramp = Math.round(0.01 * sampleRate);
  for (let i = 0; i < on; i++) {
    const envelope = Math.min(1, i / ramp, (on - i) / ramp);
    samples[i] = 0.3 * envelope * Math.sin((2 * Math.PI * 440 * i) / sampleRate);
  }
  return samples;
}

/** The voicemail beep: 1 kHz for 0.4 s, with short ramps so it does not click. */
export function beepTone(sampleRate: number): Float32Array {
  const length = Math.round(0.4 * sampleRate);
  const ramp = Math.round(0.005 * sampleRate);
  const samples = new Float32Array(length);
  for (let i = 0; i < length; i++) {
    const envelope = Math.min(1, i / ramp, (length - i) / ramp);
    samples[i] = 0.4 * envelope * Math.sin((2 * Math.PI * 1000 * i) / sampleRate);
  }
  return samples;
}

/** A chord progression (C, Am, F, G) of soft bell-like arpeggios: 16 s that loop seamlessly. */
export function defaultHoldMusic(sampleRate: number): Float32Array {
  const chords = [
    [261.63, 329.63, 392.0, 523.25],
    [220.0, 261.63, 329.63, 440.0],
    [174.61, 220.0, 261.63, 349.23],
    [196.0, 246.94, 293.66, 392.0],
  ];
  const noteSeconds = 0.5;
  const beatsPerChord = 8;
  const total = Math.round(chords.length * beatsPerChord * noteSeconds * sampleRate);
  const samples = new Float32Array(total);
  const noteLength = Math.round(noteSeconds * sampleRate);
  chords.forEach((chord, chordIndex) => {
    for (let beat = 0; beat < beatsPerChord; beat++) {
      const frequency = chord[[0, 1, 2, 3, 2, 1, 2, 3][beat]!]!;
      const start = (chordIndex * beatsPerChord + beat) * noteLength;
      // Each note rings on for two beats, wrapping round the end so the loop has no seam.
      for (let i = 0; i < noteLength * 2; i++) {
        const t = i / sampleRate;
        const envelope = Math.min(1, t / 0.01) * Math.exp(-3 * t);
        const tone = Math.sin(2 * Math.PI * frequency * t) + 0.25 * Math.sin(4 * Math.PI * frequency * t);
        samples[(start + i) % total]! += 0.18 * envelope * tone;
      }
      // A low pad under each chord.
      if (beat === 0) {
        for (let i = 0; i < noteLength * beatsPerChord; i++) {
          const t = i / sampleRate;
          const envelope = Math.min(1, t / 0.3, (noteLength * beatsPerChord - i) / sampleRate / 0.3);
          samples[start + i]! += 0.06 * envelope * Math.sin(Math.PI * chord[0]! * t);
        }
      }
    }
  });
  return samples;
}
