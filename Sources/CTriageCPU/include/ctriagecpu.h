#ifndef CTRIAGECPU_H
#define CTRIAGECPU_H

/// 1 when this processor runs Haswell-class x86-64 code (AVX2, FMA, BMI1/2, F16C: the
/// x86-64-v3 level, Haswell, Zen and later) and the operating system saves the YMM registers;
/// 0 otherwise, and always 0 off x86-64. The Swift side asks this before it calls anything in
/// TriageKernelsAVX2, which is compiled for such processors only: its code must never run where
/// this says 0.
int ctriagecpu_has_x86_64_v3(void);

#endif
