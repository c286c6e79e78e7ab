package rt

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"math"
	"math/big"
	"math/rand/v2"
	"strings"
	"testing"
	"time"

	"github.com/hamba/avro/v2"
)

// The oracle for the Avro decoder and encoder is github.com/hamba/avro: records are written by it and read by
// AvroDecoder, and rows written by Row are read back by it.

const testAvroSchema = `{
  "type": "record", "name": "Order", "namespace": "test",
  "fields": [
    {"name": "id", "type": "long"},
    {"name": "qty", "type": "int"},
    {"name": "ok", "type": "boolean"},
    {"name": "ratio", "type": "float"},
    {"name": "price", "type": "double"},
    {"name": "symbol", "type": "string"},
    {"name": "raw", "type": "bytes"},
    {"name": "side", "type": {"type": "enum", "name": "Side", "symbols": ["BUY", "SELL", "HOLD"]}},
    {"name": "amount", "type": {"type": "bytes", "logicalType": "decimal", "precision": 38, "scale": 4}},
    {"name": "fx", "type": {"type": "fixed", "name": "Dec16", "size": 16, "logicalType": "decimal", "precision": 38, "scale": 2}},
    {"name": "note", "type": ["null", "string"]},
    {"name": "tags", "type": {"type": "array", "items": "string"}},
    {"name": "attrs", "type": {"type": "map", "values": "long"}},
    {"name": "nested", "type": {"type": "record", "name": "Inner", "fields": [
      {"name": "a", "type": "int"},
      {"name": "b", "type": {"type": "array", "items": {"type": "map", "values": ["null", "double"]}}}
    ]}},
    {"name": "ts_millis", "type": {"type": "long", "logicalType": "timestamp-millis"}},
    {"name": "ts_micros", "type": {"type": "long", "logicalType": "timestamp-micros"}},
    {"name": "day", "type": {"type": "int", "logicalType": "date"}},
    {"name": "uuid", "type": {"type": "string", "logicalType": "uuid"}},
    {"name": "hash", "type": {"type": "fixed", "name": "H4", "size": 4}},
    {"name": "maybe_inner", "type": ["null", "Inner"]},
    {"name": "choice", "type": ["null", "long", "string", "Side"]},
    {"name": "last", "type": ["long", "null"]}
  ]
}`

type testAvroInner struct {
	A int32                 `avro:"a"`
	B []map[string]*float64 `avro:"b"`
}

type testAvroOrder struct {
	ID         int64            `avro:"id"`
	Qty        int32            `avro:"qty"`
	OK         bool             `avro:"ok"`
	Ratio      float32          `avro:"ratio"`
	Price      float64          `avro:"price"`
	Symbol     string           `avro:"symbol"`
	Raw        []byte           `avro:"raw"`
	Side       string           `avro:"side"`
	Amount     *big.Rat         `avro:"amount"`
	Fx         *big.Rat         `avro:"fx"`
	Note       *string          `avro:"note"`
	Tags       []string         `avro:"tags"`
	Attrs      map[string]int64 `avro:"attrs"`
	Nested     testAvroInner    `avro:"nested"`
	TsMillis   time.Time        `avro:"ts_millis"`
	TsMicros   time.Time        `avro:"ts_micros"`
	Day        time.Time        `avro:"day"`
	UUID       string           `avro:"uuid"`
	Hash       [4]byte          `avro:"hash"`
	MaybeInner *testAvroInner   `avro:"maybe_inner"`
	Choice     map[string]any   `avro:"choice"`
	Last       *int64           `avro:"last"`
}

// testAvroRecord is what the decoder reads, the way a generated decoder fills a record struct.
type testAvroRecord struct {
	id                   int64
	qty                  int32
	ok                   bool
	ratio                float32
	price                float64
	symbol               string
	raw                  []byte
	side                 string
	amount, fx           Int128
	note                 string
	noteNull             bool
	tsMillis, tsMicros   int64
	day                  int64
	uuid                 string
	hash                 []byte
	choice               int
	choiceLong           int64
	choiceText           string
	last                 int64
	lastNull             bool
	nestedA, maybeInnerA int32
	maybeInnerNull       bool
}

var testSideSymbols = []string{"BUY", "SELL", "HOLD"}

// skipTestInner skips a test.Inner record as generated code does: straight-line, with loops over blocks.
func skipTestInner(d *AvroDecoder) int32 {
	a := d.Int()
	for n := d.SkipBlock(1); n > 0; n = d.SkipBlock(1) {
		for ; n > 0; n-- {
			for m := d.SkipBlock(2); m > 0; m = d.SkipBlock(2) {
				for ; m > 0; m-- {
					d.SkipString()
					switch d.Union(2) {
					case 1:
						d.SkipDouble()
					}
				}
			}
		}
	}
	return a
}

// decodeTestAvro reads every scalar field and skips the arrays and maps, as a generated decoder does.
func decodeTestAvro(d *AvroDecoder, r *testAvroRecord) error {
	d.Field("id")
	r.id = d.Long()
	d.Field("qty")
	r.qty = d.Int()
	d.Field("ok")
	r.ok = d.Boolean()
	d.Field("ratio")
	r.ratio = d.Float()
	d.Field("price")
	r.price = d.Double()
	d.Field("symbol")
	r.symbol = d.String()
	d.Field("raw")
	r.raw = d.Bytes()
	d.Field("side")
	r.side = d.Enum(testSideSymbols)
	d.Field("amount")
	r.amount = d.DecimalBytes(38)
	d.Field("fx")
	r.fx = d.DecimalFixed(16, 38)
	d.Field("note")
	switch d.Union(2) {
	case 0:
		r.noteNull = true
	case 1:
		r.note = d.String()
	}
	d.Field("tags")
	for n := d.SkipBlock(1); n > 0; n = d.SkipBlock(1) {
		for ; n > 0; n-- {
			d.SkipString()
		}
	}
	d.Field("attrs")
	for n := d.SkipBlock(2); n > 0; n = d.SkipBlock(2) {
		for ; n > 0; n-- {
			d.SkipString()
			d.SkipLong()
		}
	}
	d.Field("nested")
	r.nestedA = skipTestInner(d)
	d.Field("ts_millis")
	r.tsMillis = d.Long()
	d.Field("ts_micros")
	r.tsMicros = d.TimestampMicros()
	d.Field("day")
	r.day = d.Date()
	d.Field("uuid")
	r.uuid = d.String()
	d.Field("hash")
	r.hash = d.Fixed(4)
	d.Field("maybe_inner")
	switch d.Union(2) {
	case 0:
		r.maybeInnerNull = true
	case 1:
		r.maybeInnerA = skipTestInner(d)
	}
	d.Field("choice")
	switch r.choice = d.Union(4); r.choice {
	case 1:
		r.choiceLong = d.Long()
	case 2:
		r.choiceText = d.String()
	case 3:
		r.choiceText = d.Enum(testSideSymbols)
	}
	d.Field("last")
	switch d.Union(2) {
	case 0:
		r.last = d.Long()
	case 1:
		r.lastNull = true
	}
	return d.End()
}

// skipTestAvro skips every field with the Skip helpers.
func skipTestAvro(d *AvroDecoder) error {
	d.SkipLong()
	d.SkipInt()
	d.SkipBoolean()
	d.SkipFloat()
	d.SkipDouble()
	d.SkipString()
	d.SkipBytes()
	d.SkipEnum(3)
	d.SkipBytes()
	d.SkipFixed(16)
	if d.Union(2) == 1 {
		d.SkipString()
	}
	for n := d.SkipBlock(1); n > 0; n = d.SkipBlock(1) {
		for ; n > 0; n-- {
			d.SkipString()
		}
	}
	for n := d.SkipBlock(2); n > 0; n = d.SkipBlock(2) {
		for ; n > 0; n-- {
			d.SkipString()
			d.SkipLong()
		}
	}
	skipTestInner(d)
	d.SkipLong()
	d.SkipLong()
	d.SkipInt()
	d.SkipString()
	d.SkipFixed(4)
	if d.Union(2) == 1 {
		skipTestInner(d)
	}
	switch d.Union(4) {
	case 1:
		d.SkipLong()
	case 2:
		d.SkipString()
	case 3:
		d.SkipEnum(3)
	}
	if d.Union(2) == 0 {
		d.SkipLong()
	}
	return d.End()
}

// randomUnscaled returns a random integer of up to digits decimal digits, either sign, with the extremes and
// small values over-represented.
func randomUnscaled(rng *rand.Rand, digits int) *big.Int {
	max := new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(digits)), nil)
	max.Sub(max, big.NewInt(1))
	var v *big.Int
	switch rng.IntN(6) {
	case 0:
		v = new(big.Int).Set(max)
	case 1:
		v = big.NewInt(rng.Int64N(300) - 150)
	case 2:
		v = new(big.Int).Lsh(big.NewInt(1), uint(rng.IntN(126)))
		if v.Cmp(max) > 0 {
			v.Set(max)
		}
	default:
		var b [17]byte
		for i := range b {
			b[i] = byte(rng.Uint32())
		}
		v = new(big.Int).SetBytes(b[:])
		v.Mod(v, new(big.Int).Add(max, big.NewInt(1)))
	}
	if rng.IntN(2) == 0 {
		v.Neg(v)
	}
	return v
}

func bigOf(v Int128) *big.Int {
	b, _ := new(big.Int).SetString(v.String(), 10)
	return b
}

func randomTestOrder(rng *rand.Rand) (testAvroOrder, *big.Int, *big.Int) {
	amount := randomUnscaled(rng, 38)
	fx := randomUnscaled(rng, 38)
	o := testAvroOrder{
		ID:       rng.Int64() - rng.Int64(),
		Qty:      int32(rng.Uint32()),
		OK:       rng.IntN(2) == 0,
		Ratio:    rng.Float32() * 1e3,
		Price:    rng.NormFloat64() * 1e6,
		Symbol:   []string{"", "AAPL", "日本語 ünïcode", strings.Repeat("x", 300)}[rng.IntN(4)],
		Raw:      []byte{byte(rng.IntN(256)), 0, 0xff},
		Side:     testSideSymbols[rng.IntN(3)],
		Amount:   new(big.Rat).SetFrac(amount, big.NewInt(10_000)),
		Fx:       new(big.Rat).SetFrac(fx, big.NewInt(100)),
		Nested:   testAvroInner{A: rng.Int32N(1000)},
		TsMillis: time.UnixMilli(rng.Int64N(1<<42) - 1<<41).UTC(),
		TsMicros: time.UnixMicro(rng.Int64N(1<<52) - 1<<51).UTC(),
		Day:      time.Unix((rng.Int64N(200_000)-100_000)*86400, 0).UTC(),
		UUID:     "0f8fad5b-d9cb-469f-a165-70867728950e",
		Hash:     [4]byte{1, 2, 3, byte(rng.IntN(256))},
	}
	if rng.IntN(3) > 0 {
		s := o.Symbol + "!"
		o.Note = &s
	}
	for i := rng.IntN(7); i > 0; i-- {
		o.Tags = append(o.Tags, strings.Repeat("t", rng.IntN(5)))
	}
	if n := rng.IntN(5); n > 0 {
		o.Attrs = map[string]int64{}
		for i := 0; i < n; i++ {
			o.Attrs[string(rune('a'+i))] = rng.Int64()
		}
	}
	for i := rng.IntN(4); i > 0; i-- {
		m := map[string]*float64{}
		for j := rng.IntN(4); j > 0; j-- {
			var f *float64
			if rng.IntN(2) == 0 {
				x := rng.Float64()
				f = &x
			}
			m[string(rune('k'+j))] = f
		}
		o.Nested.B = append(o.Nested.B, m)
	}
	if rng.IntN(2) == 0 {
		in := testAvroInner{A: -rng.Int32N(1000), B: o.Nested.B}
		o.MaybeInner = &in
	}
	switch rng.IntN(4) {
	case 1:
		o.Choice = map[string]any{"long": rng.Int64()}
	case 2:
		o.Choice = map[string]any{"string": "chosen"}
	case 3:
		o.Choice = map[string]any{"test.Side": "HOLD"}
	}
	if rng.IntN(2) == 0 {
		v := -rng.Int64()
		o.Last = &v
	}
	return o, amount, fx
}

func checkTestRecord(t *testing.T, o testAvroOrder, amount, fx *big.Int, r *testAvroRecord) {
	t.Helper()
	eq := func(name string, got, want any) {
		t.Helper()
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s = %v, want %v", name, got, want)
		}
	}
	eq("id", r.id, o.ID)
	eq("qty", r.qty, o.Qty)
	eq("ok", r.ok, o.OK)
	if r.ratio != o.Ratio || math.Float64bits(r.price) != math.Float64bits(o.Price) {
		t.Errorf("ratio, price = %v, %v; want %v, %v", r.ratio, r.price, o.Ratio, o.Price)
	}
	eq("symbol", r.symbol, o.Symbol)
	if !bytes.Equal(r.raw, o.Raw) {
		t.Errorf("raw = %x, want %x", r.raw, o.Raw)
	}
	eq("side", r.side, o.Side)
	eq("amount", bigOf(r.amount), amount)
	eq("fx", bigOf(r.fx), fx)
	if o.Note == nil {
		eq("note null", r.noteNull, true)
	} else {
		eq("note", r.note, *o.Note)
		eq("note null", r.noteNull, false)
	}
	eq("nested.a", r.nestedA, o.Nested.A)
	eq("ts_millis", r.tsMillis, o.TsMillis.UnixMilli())
	// TIMESTAMP is milliseconds: microseconds are floored, as in time.Time.UnixMilli.
	eq("ts_micros", r.tsMicros, floorDiv(o.TsMicros.UnixMicro(), 1000))
	eq("day", r.day, o.Day.UnixMilli())
	eq("uuid", r.uuid, o.UUID)
	if !bytes.Equal(r.hash, o.Hash[:]) {
		t.Errorf("hash = %x, want %x", r.hash, o.Hash)
	}
	if o.MaybeInner == nil {
		eq("maybe_inner null", r.maybeInnerNull, true)
	} else {
		eq("maybe_inner.a", r.maybeInnerA, o.MaybeInner.A)
	}
	switch {
	case o.Choice == nil:
		eq("choice", r.choice, 0)
	case o.Choice["long"] != nil:
		eq("choice", r.choiceLong, o.Choice["long"])
	case o.Choice["string"] != nil:
		eq("choice", r.choiceText, o.Choice["string"])
	default:
		eq("choice", r.choiceText, o.Choice["test.Side"])
	}
	if o.Last == nil {
		eq("last null", r.lastNull, true)
	} else {
		eq("last", r.last, *o.Last)
	}
}

func floorDiv(a, b int64) int64 {
	q := a / b
	if a%b != 0 && (a < 0) != (b < 0) {
		q--
	}
	return q
}

// testAvroAPIs are hamba configurations: arrays and maps in blocks with byte sizes (negative counts), and in
// small blocks of plain counts.
func testAvroAPIs() map[string]avro.API {
	return map[string]avro.API{
		"sized blocks": avro.Config{BlockLength: 2}.Freeze(),
		"plain blocks": avro.Config{BlockLength: 3, DisableBlockSizeHeader: true}.Freeze(),
	}
}

func TestAvroDecoderAgainstHamba(t *testing.T) {
	schema := avro.MustParse(testAvroSchema)
	for name, api := range testAvroAPIs() {
		t.Run(name, func(t *testing.T) {
			rng := rand.New(rand.NewPCG(1, 2))
			var d AvroDecoder
			for i := 0; i < 500; i++ {
				o, amount, fx := randomTestOrder(rng)
				msg, err := api.Marshal(schema, o)
				if err != nil {
					t.Fatal(err)
				}
				var r testAvroRecord
				d.Reset(msg)
				if err := decodeTestAvro(&d, &r); err != nil {
					t.Fatalf("record %d: %v", i, err)
				}
				checkTestRecord(t, o, amount, fx, &r)
				d.Reset(msg)
				if err := skipTestAvro(&d); err != nil {
					t.Fatalf("record %d skipped: %v", i, err)
				}
				if t.Failed() {
					t.FailNow()
				}
			}
		})
	}
}

func TestAvroDecoderTruncatedAndTrailing(t *testing.T) {
	schema := avro.MustParse(testAvroSchema)
	rng := rand.New(rand.NewPCG(3, 4))
	var d AvroDecoder
	for name, api := range testAvroAPIs() {
		for i := 0; i < 20; i++ {
			o, _, _ := randomTestOrder(rng)
			msg, err := api.Marshal(schema, o)
			if err != nil {
				t.Fatal(err)
			}
			for n := 0; n < len(msg); n++ {
				var r testAvroRecord
				d.Reset(msg[:n:n])
				err := decodeTestAvro(&d, &r)
				var re *RecordError
				if !errors.As(err, &re) {
					t.Fatalf("%s: a message cut to %d of %d bytes decoded without a record error: %v", name, n, len(msg), err)
				}
				d.Reset(msg[:n:n])
				if skipTestAvro(&d) == nil {
					t.Fatalf("%s: a message cut to %d of %d bytes skipped without an error", name, n, len(msg))
				}
			}
			long := append(append([]byte(nil), msg...), 0, 0)
			var r testAvroRecord
			d.Reset(long)
			err = decodeTestAvro(&d, &r)
			if err == nil || !strings.Contains(err.Error(), "2 unexpected bytes after the Avro record") {
				t.Fatalf("%s: trailing bytes: got %v", name, err)
			}
		}
	}
}

func TestAvroDecoderErrors(t *testing.T) {
	long := func(v int64) []byte { return appendAvroLong(nil, v) }
	cat := func(parts ...[]byte) []byte { return bytes.Join(parts, nil) }
	tests := []struct {
		name string
		msg  []byte
		read func(d *AvroDecoder)
		want string // substring of the error; "" for none
	}{
		{"boolean 2", []byte{2}, func(d *AvroDecoder) { d.Field("b"); d.Boolean() }, `field "b": invalid Avro boolean at offset 0: byte 2, want 0 or 1`},
		{"boolean empty", nil, func(d *AvroDecoder) { d.Field("b"); d.Boolean() }, `field "b": invalid Avro at offset 0: the message ends inside a boolean`},
		{"long max", long(math.MaxInt64), func(d *AvroDecoder) { d.Long() }, ""},
		{"long min", long(math.MinInt64), func(d *AvroDecoder) { d.Long() }, ""},
		{"long overflow", cat(bytes.Repeat([]byte{0xff}, 9), []byte{0x02}), func(d *AvroDecoder) { d.Long() }, "a long overflows 64 bits"},
		{"long unterminated", bytes.Repeat([]byte{0x80}, 4), func(d *AvroDecoder) { d.Long() }, "the message ends inside a long"},
		{"int range", long(math.MaxInt32 + 1), func(d *AvroDecoder) { d.Field("i"); d.Int() }, `field "i": invalid Avro int at offset 0: 2147483648 does not fit 32 bits`},
		{"int min", long(math.MinInt32), func(d *AvroDecoder) { d.Int() }, ""},
		{"negative length", long(-1), func(d *AvroDecoder) { _ = d.String() }, "negative length -1 of a string"},
		{"long length", cat(long(5), []byte("abc")), func(d *AvroDecoder) { _ = d.String() }, "a string of 5 bytes, but the message has 3 left"},
		{"union range", long(2), func(d *AvroDecoder) { d.Union(2) }, "union branch index 2 is out of range 0..1"},
		{"union negative", long(-1), func(d *AvroDecoder) { d.Union(2) }, "union branch index -1 is out of range 0..1"},
		{"enum range", long(3), func(d *AvroDecoder) { d.Enum(testSideSymbols) }, "enum index 3 is out of range 0..2"},
		{"fixed short", []byte{1, 2}, func(d *AvroDecoder) { d.Fixed(4) }, "the message ends inside a fixed"},
		{"float short", []byte{1, 2}, func(d *AvroDecoder) { d.Float() }, "the message ends inside a float"},
		{"block count too big", cat(long(1000), []byte("ab")), func(d *AvroDecoder) { d.SkipBlock(1) }, "a block of 1000 items cannot fit in the 2 bytes left"},
		{"block size too big", cat(long(-2), long(100), []byte("ab")), func(d *AvroDecoder) { d.SkipBlock(1) }, "a block of 100 bytes, but the message has 2 left"},
		{"block size negative", cat(long(-2), long(-1)), func(d *AvroDecoder) { d.SkipBlock(1) }, "a block of -1 bytes"},
		{"block of nulls", cat(long(1<<60), long(-5), long(0), long(0)), func(d *AvroDecoder) {
			if n := d.SkipBlock(0); n != 0 {
				d.Fail("", "items to skip")
			}
		}, ""},
		{"decimal precision", cat(long(3), []byte{0x01, 0xe2, 0x40}), func(d *AvroDecoder) { d.Field("p"); d.DecimalBytes(5) }, `field "p": decimal value out of range for 5 digits: 123456`},
		{"decimal fits", cat(long(3), []byte{0xfe, 0x1d, 0xc0}), func(d *AvroDecoder) { d.DecimalBytes(6) }, ""},
		{"decimal 17 bytes", cat(long(17), []byte{1}, make([]byte, 16)), func(d *AvroDecoder) { d.DecimalBytes(38) }, "decimal value out of range for 38 digits: more than 38 digits"},
		{"decimal 17 bytes sign", cat(long(17), []byte{0}, []byte{0x80}, make([]byte, 15)), func(d *AvroDecoder) { d.DecimalBytes(38) }, "more than 38 digits"},
		{"decimal above 38 digits", cat(long(16), []byte{0x7f}, bytes.Repeat([]byte{0xff}, 15)), func(d *AvroDecoder) { d.DecimalBytes(38) }, "out of range for 38 digits: 170141183460469231731687303715884105727"},
		{"confluent", []byte{0, 0, 0, 0, 7, 2}, func(d *AvroDecoder) { d.ConfluentHeader(); d.Boolean() }, "invalid Avro boolean at offset 5"},
		{"not confluent", []byte{1, 0, 0, 0, 7, 2}, func(d *AvroDecoder) { d.ConfluentHeader() }, "not in Confluent's wire format"},
		{"short confluent", []byte{0, 0, 0}, func(d *AvroDecoder) { d.ConfluentHeader() }, "not in Confluent's wire format"},
		{"trailing", []byte{1, 1}, func(d *AvroDecoder) { d.Boolean() }, "1 unexpected byte after the Avro record at offset 1"},
		{"sticky", []byte{5, 1}, func(d *AvroDecoder) {
			d.Field("first")
			d.Boolean()
			d.Field("second")
			d.Boolean()
			d.Fail("third", "later")
		}, `field "first": invalid Avro boolean`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var d AvroDecoder
			d.Reset(tt.msg)
			tt.read(&d)
			err := d.End()
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("unexpected error %v", err)
			case tt.want != "" && (err == nil || !strings.Contains(err.Error(), tt.want)):
				t.Errorf("error %v, want one containing %q", err, tt.want)
			}
		})
	}
}

func TestAvroDecoderDepth(t *testing.T) {
	// A recursive record {"name": "Node", "fields": [{"name": "next", "type": ["null", "Node"]}]}, nested deeper
	// than the decoder follows.
	var skip func(d *AvroDecoder)
	skip = func(d *AvroDecoder) {
		if !d.Enter() {
			return
		}
		if d.Union(2) == 1 {
			skip(d)
		}
		d.Leave()
	}
	for _, depth := range []int{10, maxAvroDepth - 1, maxAvroDepth + 5} {
		msg := append(bytes.Repeat([]byte{2}, depth), 0)
		var d AvroDecoder
		d.Reset(msg)
		skip(&d)
		err := d.End()
		if depth < maxAvroDepth && err != nil || depth > maxAvroDepth && (err == nil || !strings.Contains(err.Error(), "nested deeper")) {
			t.Errorf("depth %d: %v", depth, err)
		}
	}
}

// TestAvroDecimalExtremes reads decimals at the edges of 128 bits and 38 digits, as bytes and as fixed of
// several sizes (hamba sign-extends a value into a wider fixed).
func TestAvroDecimalExtremes(t *testing.T) {
	max38, _ := new(big.Int).SetString(strings.Repeat("9", 38), 10)
	vals := []*big.Int{big.NewInt(0), big.NewInt(1), big.NewInt(-1), big.NewInt(127), big.NewInt(128), big.NewInt(-128),
		big.NewInt(-129), big.NewInt(255), big.NewInt(256), big.NewInt(math.MaxInt64), big.NewInt(math.MinInt64),
		new(big.Int).Lsh(big.NewInt(1), 64), new(big.Int).Neg(new(big.Int).Lsh(big.NewInt(1), 64)),
		max38, new(big.Int).Neg(max38)}
	for _, size := range []int{0, 16, 17, 24} {
		typ := `{"type": "bytes", "logicalType": "decimal", "precision": 38, "scale": 3}`
		if size > 0 {
			typ = `{"type": "fixed", "name": "F", "size": ` + itoa(size) + `, "logicalType": "decimal", "precision": 38, "scale": 3}`
		}
		schema := avro.MustParse(`{"type": "record", "name": "R", "fields": [{"name": "v", "type": ` + typ + `}]}`)
		for _, v := range vals {
			msg, err := avro.Marshal(schema, map[string]any{"v": new(big.Rat).SetFrac(v, big.NewInt(1000))})
			if err != nil {
				t.Fatal(err)
			}
			var d AvroDecoder
			d.Reset(msg)
			var got Int128
			if size == 0 {
				got = d.DecimalBytes(38)
			} else {
				got = d.DecimalFixed(size, 38)
			}
			if err := d.End(); err != nil {
				t.Errorf("size %d, %s: %v", size, v, err)
				continue
			}
			if bigOf(got).Cmp(v) != 0 {
				t.Errorf("size %d: got %s, want %s", size, got, v)
			}
		}
	}
}

func itoa(n int) string { return big.NewInt(int64(n)).String() }

func TestAvroDecoderAllocations(t *testing.T) {
	schema := avro.MustParse(testAvroSchema)
	o, _, _ := randomTestOrder(rand.New(rand.NewPCG(5, 6)))
	o.Symbol, o.Note, o.UUID, o.Choice = "AAPL", nil, "u", nil
	msg, err := avro.Marshal(schema, o)
	if err != nil {
		t.Fatal(err)
	}
	var d AvroDecoder
	var r testAvroRecord
	allocs := testing.AllocsPerRun(100, func() {
		d.Reset(msg)
		if err := decodeTestAvro(&d, &r); err != nil {
			t.Fatal(err)
		}
	})
	// The strings symbol and uuid are the only allocations.
	if allocs > 2 {
		t.Errorf("%v allocations per record, want at most 2 (the strings)", allocs)
	}
	allocs = testing.AllocsPerRun(100, func() {
		d.Reset(msg)
		if err := skipTestAvro(&d); err != nil {
			t.Fatal(err)
		}
	})
	if allocs != 0 {
		t.Errorf("skipping allocates %v times per record", allocs)
	}
}

func FuzzAvroDecoder(f *testing.F) {
	schema := avro.MustParse(testAvroSchema)
	rng := rand.New(rand.NewPCG(7, 8))
	for i := 0; i < 5; i++ {
		o, _, _ := randomTestOrder(rng)
		msg, err := avro.Marshal(schema, o)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(msg)
	}
	f.Add([]byte{})
	f.Add([]byte{0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f})
	f.Fuzz(func(t *testing.T, msg []byte) {
		var d AvroDecoder
		var r testAvroRecord
		d.Reset(msg)
		err := decodeTestAvro(&d, &r)
		var re *RecordError
		if err != nil && !errors.As(err, &re) {
			t.Fatalf("not a record error: %v", err)
		}
		d.Reset(msg)
		// Skipping checks the structure only; reading also checks the values (decimal digits, say).
		if skipTestAvro(&d) != nil && err == nil {
			t.Fatalf("%x reads, but cannot be skipped", msg)
		}
		// Block headers and recursion on arbitrary input.
		d.Reset(msg)
		for n := d.SkipBlock(0); n > 0; n = d.SkipBlock(0) {
			t.Fatal("SkipBlock(0) returned items")
		}
		d.Reset(msg)
		for n := d.SkipBlock(3); n > 0; n = d.SkipBlock(3) {
			for ; n > 0; n-- {
				d.SkipFixed(3)
			}
		}
		_ = d.End()
		d.Reset(msg)
		_ = d.DecimalBytes(38)
		_ = d.DecimalFixed(17, 20)
		_ = d.TimestampMicros()
		_ = d.Date()
		_ = d.End()
	})
}

// testOutput is a transport output that keeps the messages written to it.
type testOutput struct {
	values [][]byte
}

func (o *testOutput) Start(context.Context) error { return nil }
func (o *testOutput) Write(key, value []byte) error {
	if value != nil {
		value = append([]byte{}, value...)
	}
	o.values = append(o.values, value)
	return nil
}
func (o *testOutput) Flush(context.Context) error { return nil }
func (o *testOutput) Close() error                { return nil }
func (o *testOutput) Name() string                { return "test output" }

func newAvroTestSink(spec SinkSpec) (*Sink, *testOutput) {
	out := &testOutput{}
	spec.Format = "avro"
	s := &Sink{spec: spec, format: FormatAvro, ext: out}
	s.row.s = s
	s.out = &sinkOutput{name: out.Name(), ext: out}
	return s, out
}

// The sink's writer schema, as the compiler derives it: every column nullable, null first.
const testAvroSinkSchema = `{"type": "record", "name": "out", "fields": [
  {"name": "b", "type": ["null", "boolean"], "default": null},
  {"name": "i", "type": ["null", "int"], "default": null},
  {"name": "n", "type": ["null", "long"], "default": null},
  {"name": "f", "type": ["null", "double"], "default": null},
  {"name": "s", "type": ["null", "string"], "default": null},
  {"name": "ts", "type": ["null", {"type": "long", "logicalType": "timestamp-millis"}], "default": null},
  {"name": "p", "type": ["null", {"type": "bytes", "logicalType": "decimal", "precision": 38, "scale": 4}], "default": null},
  {"name": "fx", "type": {"type": "fixed", "name": "F", "size": 9, "logicalType": "decimal", "precision": 20, "scale": 2}},
  {"name": "us", "type": [{"type": "long", "logicalType": "timestamp-micros"}, "null"]},
  {"name": "side", "type": {"type": "enum", "name": "Side", "symbols": ["BUY", "SELL"]}},
  {"name": "wide", "type": "double"},
  {"name": "big", "type": "long"},
  {"name": "nothing", "type": "null"}
]}`

var testAvroSinkSpec = SinkSpec{
	Name: "out",
	Columns: []FieldSpec{{Name: "b"}, {Name: "i"}, {Name: "n"}, {Name: "f"}, {Name: "s"}, {Name: "ts"}, {Name: "p"},
		{Name: "fx"}, {Name: "us"}, {Name: "side"}, {Name: "wide"}, {Name: "big"}, {Name: "nothing"}},
	Avro: &AvroSink{Schema: testAvroSinkSchema, Columns: []AvroColumn{
		{Encoding: AvroBoolean, Union: true, NullIndex: 0, ValueIndex: 1},
		{Encoding: AvroInt, Union: true, NullIndex: 0, ValueIndex: 1},
		{Encoding: AvroLong, Union: true, NullIndex: 0, ValueIndex: 1},
		{Encoding: AvroDouble, Union: true, NullIndex: 0, ValueIndex: 1},
		{Encoding: AvroString, Union: true, NullIndex: 0, ValueIndex: 1},
		{Encoding: AvroLong, Union: true, NullIndex: 0, ValueIndex: 1},
		{Encoding: AvroDecimalBytes, Union: true, NullIndex: 0, ValueIndex: 1},
		{Encoding: AvroDecimalFixed, Size: 9},
		{Encoding: AvroTimestampMicros, Union: true, NullIndex: 1, ValueIndex: 0},
		{Encoding: AvroEnum, Symbols: []string{"BUY", "SELL"}},
		{Encoding: AvroDouble},
		{Encoding: AvroLong},
		{Encoding: AvroNull},
	}},
}

type testSinkRow struct {
	B       *bool          `avro:"b"`
	I       *int32         `avro:"i"`
	N       *int64         `avro:"n"`
	F       *float64       `avro:"f"`
	S       *string        `avro:"s"`
	TS      *time.Time     `avro:"ts"`
	P       *big.Rat       `avro:"p"`
	Fx      *big.Rat       `avro:"fx"`
	Us      *time.Time     `avro:"us"`
	Side    string         `avro:"side"`
	Wide    float64        `avro:"wide"`
	Big     int64          `avro:"big"`
	Nothing map[string]any `avro:"nothing"`
}

func TestAvroSinkAgainstHamba(t *testing.T) {
	schema := avro.MustParse(testAvroSinkSchema)
	s, out := newAvroTestSink(testAvroSinkSpec)
	rng := rand.New(rand.NewPCG(9, 10))
	type in struct {
		null           bool
		b              bool
		i              int32
		n, ts, us, big int64
		f, wide        float64
		str, side      string
		p, fx          *big.Int
	}
	var ins []in
	for k := 0; k < 300; k++ {
		v := in{
			null: k%5 == 1, b: rng.IntN(2) == 0, i: int32(rng.Uint32()), n: rng.Int64() - rng.Int64(),
			ts: rng.Int64N(1<<42) - 1<<41, us: rng.Int64N(1<<42) - 1<<41, big: rng.Int64() - rng.Int64(),
			f: rng.NormFloat64(), wide: float64(rng.Int32()), str: []string{"", "x", "日本", strings.Repeat("z", 200)}[rng.IntN(4)],
			side: []string{"BUY", "SELL"}[rng.IntN(2)], p: randomUnscaled(rng, 38), fx: randomUnscaled(rng, 20),
		}
		ins = append(ins, v)
		r := s.Begin()
		r.Bool(v.b, v.null)
		r.Int32(v.i, v.null)
		r.Int64(v.n, v.null)
		r.Float64(v.f, v.null)
		r.String(v.str, v.null)
		r.Timestamp(v.ts, v.null)
		p, _ := ParseDecimal([]byte(v.p.String()), 38, 0)
		r.Decimal(p, 4, v.null)
		fx, _ := ParseDecimal([]byte(v.fx.String()), 38, 0)
		r.Decimal(fx, 2, false)
		r.Timestamp(v.us, v.null)
		r.String(v.side, false)
		r.Int32(int32(v.wide), false)
		r.Int64(v.big, false)
		r.String("", true)
		if k%7 == 3 {
			r.Retract()
		}
		if err := r.End(); err != nil {
			t.Fatal(err)
		}
	}
	if len(out.values) != len(ins) {
		t.Fatalf("%d messages for %d rows", len(out.values), len(ins))
	}
	for k, v := range ins {
		msg := out.values[k]
		if k%7 == 3 {
			if msg != nil {
				t.Errorf("row %d: a retraction has a value %x, want a tombstone", k, msg)
			}
			continue
		}
		var got testSinkRow
		if err := avro.Unmarshal(schema, msg, &got); err != nil {
			t.Fatalf("row %d: hamba cannot read %x: %v", k, msg, err)
		}
		// hamba reads a nullable decimal into a struct's *big.Rat as 0; into a map it reads the value.
		var m map[string]any
		if err := avro.Unmarshal(schema, msg, &m); err != nil {
			t.Fatalf("row %d: hamba cannot read %x into a map: %v", k, msg, err)
		}
		got.P, _ = m["p"].(*big.Rat)
		if v.null {
			if got.B != nil || got.I != nil || got.N != nil || got.F != nil || got.S != nil || got.TS != nil || got.P != nil || got.Us != nil {
				t.Errorf("row %d: NULLs read back as %+v", k, got)
			}
		} else {
			if got.B == nil || *got.B != v.b || got.I == nil || *got.I != v.i || got.N == nil || *got.N != v.n ||
				got.F == nil || *got.F != v.f || got.S == nil || *got.S != v.str {
				t.Errorf("row %d: read back %+v, want %+v", k, got, v)
			}
			if got.TS == nil || got.TS.UnixMilli() != v.ts {
				t.Errorf("row %d: ts %v, want %d ms", k, got.TS, v.ts)
			}
			if got.Us == nil || got.Us.UnixMicro() != v.us*1000 {
				t.Errorf("row %d: us %v, want %d ms", k, got.Us, v.us)
			}
			if want := new(big.Rat).SetFrac(v.p, big.NewInt(10_000)); got.P == nil || got.P.Cmp(want) != 0 {
				t.Errorf("row %d: p %v, want %v", k, got.P, want)
			}
		}
		if want := new(big.Rat).SetFrac(v.fx, big.NewInt(100)); got.Fx == nil || got.Fx.Cmp(want) != 0 {
			t.Errorf("row %d: fx %v, want %v", k, got.Fx, want)
		}
		if got.Side != v.side || got.Wide != v.wide || got.Big != v.big {
			t.Errorf("row %d: side, wide, big = %q, %v, %d; want %q, %v, %d", k, got.Side, got.Wide, got.Big, v.side, v.wide, v.big)
		}
	}
}

func TestAvroSinkErrors(t *testing.T) {
	tests := []struct {
		name  string
		col   AvroColumn
		write func(r *Row)
		want  string
	}{
		{"null into long", AvroColumn{Encoding: AvroLong}, func(r *Row) { r.Int64(0, true) }, `sink "out": column "c" is NULL, but its Avro field's type long is not nullable`},
		{"null into union without null", AvroColumn{Encoding: AvroLong, Union: true, NullIndex: -1}, func(r *Row) { r.Int64(0, true) }, "is NULL"},
		{"value into null", AvroColumn{Encoding: AvroNull}, func(r *Row) { r.Int64(1, false) }, `column "c" has a value, but its Avro field's type is null`},
		{"int range", AvroColumn{Encoding: AvroInt}, func(r *Row) { r.Int64(1<<40, false) }, "1099511627776 does not fit the Avro int field"},
		{"unknown symbol", AvroColumn{Encoding: AvroEnum, Symbols: []string{"A", "B"}}, func(r *Row) { r.String("C", false) }, `"C" is not a symbol of the Avro enum; its symbols are A, B`},
		{"fixed too small", AvroColumn{Encoding: AvroDecimalFixed, Size: 2}, func(r *Row) { r.Decimal(I128(40000), 0, false) }, "40000 does not fit the Avro decimal's fixed of 2 bytes"},
		{"fixed negative too small", AvroColumn{Encoding: AvroDecimalFixed, Size: 1}, func(r *Row) { r.Decimal(I128(-129), 0, false) }, "-129 does not fit"},
		{"micros range", AvroColumn{Encoding: AvroTimestampMicros}, func(r *Row) { r.Timestamp(math.MaxInt64/10, false) }, "out of range for timestamp-micros"},
		{"mismatch", AvroColumn{Encoding: AvroBoolean}, func(r *Row) { r.String("x", false) }, "internal error: a VARCHAR value for an Avro boolean field"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, out := newAvroTestSink(SinkSpec{Name: "out", Columns: []FieldSpec{{Name: "c"}}, Avro: &AvroSink{Columns: []AvroColumn{tt.col}}})
			r := s.Begin()
			tt.write(r)
			err := r.End()
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one containing %q", err, tt.want)
			}
			if len(out.values) != 0 {
				t.Errorf("a row that failed was written: %x", out.values)
			}
			// The sink is released and usable after the error.
			r = s.Begin()
			r.String("", true)
			_ = r.End()
		})
	}
	// Fixed decimals narrower than 16 bytes that do fit, both signs.
	for _, v := range []int64{0, 1, -1, 127, -128, 32767, -32768} {
		s, out := newAvroTestSink(SinkSpec{Name: "out", Columns: []FieldSpec{{Name: "c"}}, Avro: &AvroSink{Columns: []AvroColumn{{Encoding: AvroDecimalFixed, Size: 2}}}})
		r := s.Begin()
		r.Decimal(I128(v), 0, false)
		if err := r.End(); err != nil {
			t.Fatalf("%d: %v", v, err)
		}
		var d AvroDecoder
		d.Reset(out.values[0])
		if got := d.DecimalFixed(2, 5); d.End() != nil || got != I128(v) {
			t.Errorf("%d in a fixed of 2 reads back as %s (%v)", v, got, d.End())
		}
	}
}

func TestAvroSinkAllocations(t *testing.T) {
	s, _ := newAvroTestSink(testAvroSinkSpec)
	p := I128(-123456789)
	allocs := testing.AllocsPerRun(100, func() {
		r := s.Begin()
		r.Bool(true, false)
		r.Int32(7, false)
		r.Int64(-7, false)
		r.Float64(1.5, false)
		r.String("AAPL", false)
		r.Timestamp(1700000000000, false)
		r.Decimal(p, 4, false)
		r.Decimal(p, 2, false)
		r.Timestamp(1700000000000, true)
		r.String("SELL", false)
		r.Int32(3, false)
		r.Int64(4, false)
		r.String("", true)
		if err := r.End(); err != nil {
			t.Fatal(err)
		}
	})
	// testOutput copies each message; the encoder itself does not allocate.
	if allocs > 2 {
		t.Errorf("%v allocations per row", allocs)
	}
}
