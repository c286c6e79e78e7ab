package rt

import (
	"cmp"
	"math"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
)

// TestKeyFormOrder checks that the key forms of nested values compare byte-wise as the values do (CompareArrays,
// CompareMaps), equal exactly when the values are, and read back to values that compare equal.
func TestKeyFormOrder(t *testing.T) {
	r := rand.New(rand.NewPCG(14, 1))
	floats := []float64{math.NaN(), math.Inf(-1), math.Inf(1), -1.5, -0.0, 0, 2, math.SmallestNonzeroFloat64, -math.MaxFloat64}
	strs := []string{"", "a", "a\x00", "a\x00b", "ab", "\x00", "\xff", "b"}
	arrF := func() []Opt[float64] {
		a := make([]Opt[float64], r.IntN(4))
		for i := range a {
			a[i] = Opt[float64]{V: floats[r.IntN(len(floats))], Null: r.IntN(5) == 0}
		}
		return a
	}
	type m = []Entry[string, []Opt[float64]]
	mapS := func() m {
		out := m{}
		for range r.IntN(3) {
			out = append(out, Entry[string, []Opt[float64]]{Key: strs[r.IntN(len(strs))], Val: arrF(), Null: r.IntN(5) == 0})
		}
		return out
	}
	cmpArr := func(a, b []Opt[float64]) int { return CompareArrays(a, b, CmpFloat) }
	cmpMap := func(a, b m) int { return CompareMaps(a, b, strings.Compare, cmpArr) }
	appendArr := func(b []byte, a []Opt[float64]) []byte { return AppendArrayKey(b, a, AppendKeyFloat64) }
	decodeArr := func(d *BinDecoder) []Opt[float64] { return ArrayKey(d, (*BinDecoder).KeyFloat64) }
	appendMap := func(b []byte, v m) []byte { return AppendMapKey(b, v, AppendKeyString, appendArr) }
	decodeMap := func(d *BinDecoder) m { return MapKey(d, (*BinDecoder).KeyString, decodeArr) }
	for range 3000 {
		a, b := mapS(), mapS()
		ka, kb := string(appendMap(nil, a)), string(appendMap(nil, b))
		if got, want := cmp.Compare(ka, kb), cmpMap(a, b); got != want {
			t.Fatalf("key forms of %v and %v compare %d, the values %d", a, b, got, want)
		}
		if back := DecodeKey(ka, decodeMap); cmpMap(back, a) != 0 {
			t.Fatalf("key form of %v reads back as %v", a, back)
		}
	}
	ints := []int64{math.MinInt64, -1, 0, 1, math.MaxInt64}
	for _, x := range ints {
		for _, y := range ints {
			if got := cmp.Compare(string(AppendKeyInt64(nil, x)), string(AppendKeyInt64(nil, y))); got != cmp.Compare(x, y) {
				t.Errorf("key forms of %d and %d compare %d", x, y, got)
			}
		}
	}
	decs := []Int128{{Hi: -1, Lo: 0}, {Hi: -1, Lo: math.MaxUint64}, {}, {Lo: 1}, {Hi: 1}}
	for _, x := range decs {
		for _, y := range decs {
			if got := cmp.Compare(string(AppendKeyInt128(nil, x)), string(AppendKeyInt128(nil, y))); got != x.Cmp(y) {
				t.Errorf("key forms of %v and %v compare %d", x, y, got)
			}
		}
	}
	if !slices.Equal(DecodeKey(string(AppendArrayKey(nil, []Opt[int32]{{V: -7}, {Null: true}}, AppendKeyInt32)), func(d *BinDecoder) []Opt[int32] {
		return ArrayKey(d, (*BinDecoder).KeyInt32)
	}), []Opt[int32]{{V: -7}, {Null: true}}) {
		t.Error("an INT[] does not read back")
	}
}

// TestContainsNaN: ARRAY_CONTAINS and ARRAY_POSITION find a NaN, as DuckDB does; -0 equals 0.
func TestContainsNaN(t *testing.T) {
	a := []Opt[float64]{{V: 1}, {Null: true}, {V: math.NaN()}, {V: math.Copysign(0, -1)}}
	if p, ok := ArrayPosition(a, math.NaN()); !ok || p != 3 {
		t.Errorf("position of NaN: %d, %v; want 3", p, ok)
	}
	if p, ok := ArrayPosition(a, 0); !ok || p != 4 {
		t.Errorf("position of 0: %d, %v; want 4", p, ok)
	}
	if Contains([]Opt[float64]{{V: 1}, {Null: true}}, math.NaN()) {
		t.Error("NaN found in an array without one")
	}
}
