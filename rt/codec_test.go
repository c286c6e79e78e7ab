package rt

import (
	"maps"
	"math"
	"math/rand/v2"
	"testing"
)

// TestCodecRoundTrip: every helper reads back what it wrote, for random and edge values, in one buffer; every
// truncation of the buffer is an error, never a panic.
func TestCodecRoundTrip(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for n := 0; n < 500; n++ {
		b := rng.IntN(2) == 1
		i32 := []int32{0, -1, math.MinInt32, math.MaxInt32, rng.Int32() - math.MaxInt32/2}[n%5]
		i64 := []int64{0, -1, math.MinInt64, math.MaxInt64, rng.Int64() - math.MaxInt64/2}[n%5]
		u64 := rng.Uint64()
		f := []float64{0, math.Copysign(0, -1), math.Inf(1), math.MaxFloat64, rng.NormFloat64()}[n%5]
		i128 := Int128{Hi: rng.Int64() - math.MaxInt64/2, Lo: rng.Uint64()}
		s := string([]byte{byte(rng.IntN(256)), 0, 'x', 0xff}[:rng.IntN(5)])
		w := Welford{N: rng.Int64N(100), Mean: rng.Float64(), M2: rng.Float64()}
		var ds Distinct[string]
		for k := rng.IntN(4); k > 0; k-- {
			ds.Add(string(rune('a' + rng.IntN(26))))
		}
		var du Distinct[uint64]
		for k := rng.IntN(4); k > 0; k-- {
			du.Add(rng.Uint64())
		}

		var buf []byte
		buf = AppendBool(buf, b)
		buf = AppendInt32(buf, i32)
		buf = AppendInt64(buf, i64)
		buf = AppendUint64(buf, u64)
		buf = AppendFloat64(buf, f)
		buf = AppendInt128(buf, i128)
		buf = AppendString(buf, s)
		buf = AppendWelford(buf, &w)
		buf = AppendDistinct(buf, &ds, AppendString)
		buf = AppendDistinct(buf, &du, AppendUint64)

		var d BinDecoder
		d.Reset(buf)
		var w2 Welford
		var ds2 Distinct[string]
		var du2 Distinct[uint64]
		gb, g32, g64, gu, gf, g128, gs := d.Bool(), d.Int32(), d.Int64(), d.Uint64(), d.Float64(), d.Int128(), d.String()
		d.Welford(&w2)
		DecodeDistinct(&d, &ds2, (*BinDecoder).String)
		DecodeDistinct(&d, &du2, (*BinDecoder).Uint64)
		if d.Err() != nil || len(d.Rest()) != 0 {
			t.Fatalf("case %d: err %v, %d bytes left", n, d.Err(), len(d.Rest()))
		}
		if gb != b || g32 != i32 || g64 != i64 || gu != u64 || math.Float64bits(gf) != math.Float64bits(f) || g128 != i128 || gs != s || w2 != w ||
			!maps.Equal(ds2.set, ds.set) || !maps.Equal(du2.set, du.set) {
			t.Fatalf("case %d: read back %v %v %v %v %v %v %q %v %v %v", n, gb, g32, g64, gu, gf, g128, gs, w2, ds2.set, du2.set)
		}
		for cut := 0; cut < len(buf); cut++ {
			d.Reset(buf[:cut])
			d.Bool()
			d.Int32()
			d.Int64()
			d.Uint64()
			d.Float64()
			d.Int128()
			_ = d.String()
			d.Welford(&w2)
			DecodeDistinct(&d, &ds2, (*BinDecoder).String)
			DecodeDistinct(&d, &du2, (*BinDecoder).Uint64)
			if d.Err() == nil {
				t.Fatalf("case %d: %d of %d bytes decoded without an error", n, cut, len(buf))
			}
		}
	}
}

// TestCodecMalformed: values that no helper writes are errors.
func TestCodecMalformed(t *testing.T) {
	for name, tc := range map[string]struct {
		in   []byte
		read func(d *BinDecoder)
	}{
		"bool 2":            {[]byte{2}, func(d *BinDecoder) { d.Bool() }},
		"int32 too large":   {AppendInt64(nil, math.MaxInt32+1), func(d *BinDecoder) { d.Int32() }},
		"varint too long":   {[]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01}, func(d *BinDecoder) { d.Int64() }},
		"string too long":   {[]byte{5, 'a'}, func(d *BinDecoder) { _ = d.String() }},
		"set count too big": {[]byte{9, 1}, func(d *BinDecoder) { DecodeDistinct(d, new(Distinct[bool]), (*BinDecoder).Bool) }},
	} {
		var d BinDecoder
		d.Reset(tc.in)
		tc.read(&d)
		if d.Err() == nil {
			t.Errorf("%s: no error", name)
		}
	}
}
