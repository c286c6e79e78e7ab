// Tests for MD5, SHA256 (digests DuckDB 1.5 gives for the same strings) and HASH (FNV-1a, checked against the
// standard library's hash/fnv and the algorithm's published test vectors).

package rt

import (
	"encoding/binary"
	"hash/fnv"
	"math"
	"testing"
)

func TestDigests(t *testing.T) {
	tests := []struct{ s, md5, sha256 string }{
		{"abc", "900150983cd24fb0d6963f7d28e17f72", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
		{"", "d41d8cd98f00b204e9800998ecf8427e", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
		{"é", "66ddcd97cfdeabb2f6fb8a999b4bc76f", "4a99557e4033c3539de2eb65472017cad5f9557f7a0625a09f1c3f6e2ba69c4c"},
	}
	for _, tc := range tests {
		if got := MD5(tc.s); got != tc.md5 {
			t.Errorf("MD5(%q) = %s, want %s", tc.s, got, tc.md5)
		}
		if got := SHA256(tc.s); got != tc.sha256 {
			t.Errorf("SHA256(%q) = %s, want %s", tc.s, got, tc.sha256)
		}
	}
}

// fnvOf is FNV-1a 64 of b by hash/fnv, as a BIGINT.
func fnvOf(b []byte) int64 {
	h := fnv.New64a()
	h.Write(b)
	return int64(h.Sum64())
}

func TestFNV(t *testing.T) {
	// Published FNV-1a 64 test vectors.
	for s, want := range map[string]uint64{"": 0xcbf29ce484222325, "a": 0xaf63dc4c8601ec8c, "foobar": 0x85944171f73967e8} {
		if got := FNVString(s); got != int64(want) {
			t.Errorf("FNVString(%q) = %#x, want %#x", s, uint64(got), want)
		}
	}
	for _, s := range []string{"hello", "é😀", "\x00\xff"} {
		if got, want := FNVString(s), fnvOf([]byte(s)); got != want {
			t.Errorf("FNVString(%q) = %d, want %d", s, got, want)
		}
	}
	le := func(v uint64) []byte { return binary.LittleEndian.AppendUint64(nil, v) }
	for _, v := range []int64{0, 1, -1, 42, math.MinInt64, math.MaxInt64} {
		if got, want := FNVInt64(v), fnvOf(le(uint64(v))); got != want {
			t.Errorf("FNVInt64(%d) = %d, want %d", v, got, want)
		}
	}
	for _, f := range []float64{1.5, -2.25, math.Inf(1), math.SmallestNonzeroFloat64} {
		if got, want := FNVFloat64(f), fnvOf(le(math.Float64bits(f))); got != want {
			t.Errorf("FNVFloat64(%g) = %d, want %d", f, got, want)
		}
	}
	if FNVFloat64(math.Copysign(0, -1)) != FNVFloat64(0) {
		t.Error("-0 and 0 hash differently")
	}
	if a, b := FNVFloat64(math.NaN()), FNVFloat64(math.Float64frombits(0x7FF8000000000001)); a != b || a != fnvOf(le(0x7FF8000000000000)) {
		t.Error("NaNs do not hash as the quiet NaN")
	}
	for _, x := range []Int128{I128(0), I128(12345), I128(-1), {Hi: math.MaxInt64, Lo: math.MaxUint64}} {
		b := append(le(x.Lo), le(uint64(x.Hi))...)
		if got, want := FNVDec(x, 2), fnvOf(append(b, 2)); got != want {
			t.Errorf("FNVDec(%v, 2) = %d, want %d", x, got, want)
		}
	}
	if FNVDec(I128(15), 1) == FNVDec(I128(150), 2) {
		t.Error("DECIMALs of different scales hash alike")
	}
	if got, want := FNVBool(true), fnvOf([]byte{1}); got != want {
		t.Errorf("FNVBool(true) = %d, want %d", got, want)
	}
	if got, want := FNVBool(false), fnvOf([]byte{0}); got != want {
		t.Errorf("FNVBool(false) = %d, want %d", got, want)
	}
}
