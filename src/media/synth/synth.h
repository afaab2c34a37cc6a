// Synthesized audio with known answers: the demo catalog's music and podcasts, and the test
// fixtures (click tracks, chord progressions, pink noise at a set loudness). Deterministic for
// the same seed. Plain computation: no I/O.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "media/pcm.h"

namespace sonora::media::synth {

// A click (short decaying burst) every beat at `bpm`, mono duplicated to stereo.
PcmBuffer ClickTrack(double bpm, double seconds, int sample_rate = kPipelineSampleRate);

// Triads of the diatonic progression I-V-vi-IV (major) or i-VI-III-VII (minor) in `key`
// (pitch class 0 = C), one chord per `seconds_per_chord`, as sums of harmonic tones.
PcmBuffer ChordProgression(int key, bool major, double seconds, double seconds_per_chord = 2.0,
                           int sample_rate = kPipelineSampleRate);

// Pink noise (1/f) scaled so its integrated EBU R128 loudness is `lufs` (stereo, both channels
// the same signal).
PcmBuffer PinkNoise(double lufs, double seconds, uint64_t seed = 1,
                    int sample_rate = kPipelineSampleRate);

struct SongSpec {
  double bpm = 120;
  int key = 0;          // pitch class
  bool major = true;
  double seconds = 60;
  int beats_per_bar = 4;
  double energy = 0.7;  // 0..1: drum density and level
  uint64_t seed = 1;
};

// A song: kick/snare/hat drums on the beat grid, a bass line on chord roots, and sustained
// chords in the key — enough structure that tempo, key and mode are measurable.
PcmBuffer Song(const SongSpec& spec, int sample_rate = kPipelineSampleRate);

// Speech-like audio for podcasts: voiced syllables (pitch-varying harmonic source through
// moving formant filters) separated by pauses, mono duplicated to stereo.
PcmBuffer SpeechLike(double seconds, uint64_t seed = 1, int sample_rate = kPipelineSampleRate);

}  // namespace sonora::media::synth
