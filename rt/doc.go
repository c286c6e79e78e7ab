// Package rt is the runtime that velocc-generated jobs link against: typed
// value helpers (checked integers, 128-bit decimals, timestamps, strings),
// record decoding and encoding, sources and sinks, grouping and windowing
// state, and the job's command-line entry point.
//
// Generated code imports only rt and the standard library. Everything here
// sits on a job's per-record hot path, so the API is concrete and typed: no
// reflection, no interface boxing of values, and no allocation per record
// where it can be avoided. SQL NULL is carried by generated code as a
// separate bool; rt value functions never see NULLs.
package rt
