// The fast paths of JSONDecoder.Int64 and Decimal against the general conversions they stand in for.

package rt

import (
	"encoding/binary"
	"math/rand/v2"
	"strconv"
	"strings"
	"testing"
)

// randomNumber returns JSON-ish number text: mostly plain numbers of every length, with leading zeros,
// exponents, stray characters and empty parts mixed in.
func randomNumber(rng *rand.Rand) string {
	var b strings.Builder
	if rng.IntN(3) == 0 {
		b.WriteByte('-')
	}
	digits := func(n int) {
		for i := 0; i < n; i++ {
			b.WriteByte(byte('0' + rng.IntN(10)))
		}
	}
	digits(rng.IntN(22))
	if rng.IntN(2) == 0 {
		b.WriteByte('.')
		digits(rng.IntN(8))
	}
	switch rng.IntN(12) {
	case 0:
		b.WriteString("e2")
	case 1:
		b.WriteString("x")
	}
	return b.String()
}

func TestJSONFastNumbers(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var d JSONDecoder
	for i := 0; i < 200000; i++ {
		num := randomNumber(rng)
		line := []byte(`{"v":` + num + `}`)
		p, s := int32(1+rng.IntN(38)), int32(0)
		s = int32(rng.IntN(int(p) + 1))

		d.Reset(line)
		d.BeginObject()
		d.NextField()
		got, gotNull := d.Decimal(p, s)
		d.NextField()
		gotErr := d.Err()

		d.Reset(line)
		d.BeginObject()
		d.NextField()
		text, _, _, ok := d.numberText()
		var want Int128
		r := convSyntax
		if ok {
			want, r = textDecimal(text, p, s)
		}
		if d.NextField(); d.Err() != nil {
			r = convSyntax
		}
		if (gotErr == nil) != (r == convOK) || gotNull || (r == convOK && got != want) {
			t.Fatalf("Decimal(%d,%d) of %s: got %v (err %v), want %v (conv %d)", p, s, num, got, gotErr, want, r)
		}

		d.Reset(line)
		d.BeginObject()
		d.NextField()
		gi, _ := d.Int64()
		d.NextField()
		giErr := d.Err()
		d.Reset(line)
		d.BeginObject()
		d.NextField()
		text, _, _, ok = d.numberText()
		var wi int64
		ri := convSyntax
		if ok {
			wi, ri = exactInt64(text)
		}
		if d.NextField(); d.Err() != nil {
			ri = convSyntax
		}
		if (giErr == nil) != (ri == convOK) || (ri == convOK && gi != wi) {
			t.Fatalf("Int64 of %s: got %d (err %v), want %d (conv %d)", num, gi, giErr, wi, ri)
		}
	}
}

// TestJSONFastTimestamp: epoch milliseconds read by the fast path equal the general conversion's.
func TestJSONFastTimestamp(t *testing.T) {
	rng := rand.New(rand.NewPCG(9, 10))
	var d JSONDecoder
	for i := 0; i < 100000; i++ {
		num := randomNumber(rng)
		line := []byte(`{"t":` + num + `}`)
		d.Reset(line)
		d.BeginObject()
		d.NextField()
		got, _ := d.Timestamp(TimeEpochMillis)
		d.NextField()
		gotErr := d.Err()

		d.Reset(line)
		d.BeginObject()
		d.NextField()
		d.value()
		tok, ok := d.readNumber()
		want, r := int64(0), convSyntax
		if ok {
			want, r = exactEpoch(tok, TimeEpochMillis)
		}
		if d.NextField(); d.Err() != nil {
			r = convSyntax
		}
		if (gotErr == nil) != (r == convOK) || (r == convOK && got != want) {
			t.Fatalf("Timestamp of %s: got %d (err %v), want %d (conv %d)", num, got, gotErr, want, r)
		}
	}
}

// TestPlainDecimal: the one-pass DECIMAL text path agrees with the general one on random texts.
func TestPlainDecimal(t *testing.T) {
	rng := rand.New(rand.NewPCG(11, 12))
	for i := 0; i < 300000; i++ {
		text := randomNumber(rng)
		switch rng.IntN(10) {
		case 0:
			text = "0" + text
		case 1:
			text = "." + text
		case 2:
			text += "."
		case 3:
			text = "+" + text
		}
		p := int32(1 + rng.IntN(38))
		s := int32(rng.IntN(int(p) + 1))
		got, r := textDecimal([]byte(text), p, s)
		want, werr := Int128{}, error(nil)
		wr := convSyntax
		if isNumberText([]byte(text)) {
			if want, werr = ParseDecimal([]byte(text), p, s); werr == nil {
				wr = convOK
			} else {
				wr = convRange
			}
		}
		if (r == convOK) != (wr == convOK) || (r == convOK && got != want) {
			t.Fatalf("DECIMAL(%d,%d) of %q: got %v (%d), want %v (%d)", p, s, text, got, r, want, wr)
		}
	}
}

// TestEightDigits: the eight-at-a-time conversion against strconv for every digit position and non-digits.
func TestEightDigits(t *testing.T) {
	rng := rand.New(rand.NewPCG(13, 14))
	for i := 0; i < 200000; i++ {
		var b [8]byte
		for k := range b {
			b[k] = byte('0' + rng.IntN(10))
		}
		bad := rng.IntN(3) == 0
		if bad {
			b[rng.IntN(8)] = byte(rng.IntN(256))
		}
		want, err := strconv.ParseUint(string(b[:]), 10, 64)
		got, ok := eightDigits(binary.LittleEndian.Uint64(b[:]))
		if ok != (err == nil) || (ok && got != want) {
			t.Fatalf("%q: got %d, %v; want %d, %v", b, got, ok, want, err)
		}
	}
}
