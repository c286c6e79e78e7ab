package e2e

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"math/big"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/velocc/velocc/codegen"
	"github.com/velocc/velocc/compiler"
)

// bins maps each job of jobScripts to its binary; TestMain builds them all with one 'go build'.
var bins map[string]string

func TestMain(m *testing.M) {
	flag.Parse()
	if testing.Short() {
		os.Exit(m.Run()) // every test skips itself
	}
	dir, err := os.MkdirTemp("", "velocc-e2e-")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	code := func() int {
		defer os.RemoveAll(dir)
		srcs := map[string][]byte{}
		for name, sql := range jobScripts {
			plan, diags := compiler.Compile(name+".sql", []byte(sql), &compiler.Options{})
			if plan == nil || diags.HasErrors() {
				fmt.Fprintf(os.Stderr, "e2e: job %s does not compile:\n%v\n", name, diags)
				return 1
			}
			out, err := codegen.Generate(plan)
			if err != nil {
				fmt.Fprintf(os.Stderr, "e2e: job %s: %v\n", name, err)
				return 1
			}
			srcs[name] = out
		}
		if bins, err = Build(dir, srcs); err != nil {
			fmt.Fprintln(os.Stderr, err)
			return 1
		}
		return m.Run()
	}()
	os.Exit(code)
}

// jobScripts are the scripts the e2e tests run, by job name; each test file adds its own in an init function.
var jobScripts = map[string]string{}

func needBuild(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("builds and runs Go programs; skipped with -short")
	}
}

// runJob runs job name in dir with args; a failure to start it at all fails the test.
func runJob(t *testing.T, name, dir string, args ...string) Result {
	t.Helper()
	needBuild(t)
	bin, ok := bins[name]
	if !ok {
		t.Fatalf("no job %q", name)
	}
	res, err := Run(dir, bin, args...)
	if err != nil {
		t.Fatalf("running %s: %v", name, err)
	}
	return res
}

// runOK runs a job that must succeed.
func runOK(t *testing.T, name, dir string, args ...string) Result {
	t.Helper()
	res := runJob(t, name, dir, args...)
	if res.Code != 0 {
		t.Fatalf("%s %s exited with %d; stderr:\n%s", name, strings.Join(args, " "), res.Code, res.Stderr)
	}
	return res
}

func writeFile(t *testing.T, dir, name string, data []byte) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, name), data, 0o666); err != nil {
		t.Fatal(err)
	}
}

func readFile(t *testing.T, dir, name string) string {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// statsLine returns the exit statistics line of a source or sink ("orders: read 10, bad 0, late 1").
func statsLine(t *testing.T, stderr, name string) string {
	t.Helper()
	for _, line := range strings.Split(stderr, "\n") {
		if strings.HasPrefix(line, name+": read ") || strings.HasPrefix(line, name+": emitted ") {
			return line
		}
	}
	t.Fatalf("no statistics line for %q in stderr:\n%s", name, stderr)
	return ""
}

// ---- Values and rows ----

// dec is a DECIMAL value as the exact text the job must write: the column's scale in fractional digits.
type dec string

// decText formats an unscaled value at scale s: decText(123400, 4) == "12.3400", decText(-500, 4) == "-0.0500".
func decText(v *big.Int, s int) dec {
	neg := v.Sign() < 0
	digits := new(big.Int).Abs(v).String()
	if s > 0 {
		if len(digits) <= s {
			digits = strings.Repeat("0", s-len(digits)+1) + digits
		}
		digits = digits[:len(digits)-s] + "." + digits[len(digits)-s:]
	}
	if neg {
		return dec("-" + digits)
	}
	return dec(digits)
}

// divRound divides exactly and rounds half away from zero.
func divRound(a, b *big.Int) *big.Int {
	q, r := new(big.Int).QuoRem(new(big.Int).Abs(a), new(big.Int).Abs(b), new(big.Int))
	if r.Lsh(r, 1).Cmp(new(big.Int).Abs(b)) >= 0 {
		q.Add(q, big.NewInt(1))
	}
	if a.Sign()*b.Sign() < 0 {
		q.Neg(q)
	}
	return q
}

func pow10(n int) *big.Int { return new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(n)), nil) }

// kv is one column of an output row. Expected values are nil (NULL), bool, int64, float64 (compared exactly),
// dec (exact text), or string; parsed values are nil, bool, string, or json.Number.
type kv struct {
	key string
	val any
}

type row []kv

func (r row) String() string {
	var b strings.Builder
	b.WriteByte('{')
	for i, f := range r {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, "%q:", f.key)
		switch v := f.val.(type) {
		case nil:
			b.WriteString("null")
		case string:
			fmt.Fprintf(&b, "%q", v)
		default:
			fmt.Fprintf(&b, "%v", v)
		}
	}
	b.WriteByte('}')
	return b.String()
}

// get returns the value of column key.
func (r row) get(key string) any {
	for _, f := range r {
		if f.key == key {
			return f.val
		}
	}
	return nil
}

// parseRows parses JSON lines into rows, keeping the key order of each object.
func parseRows(t *testing.T, text string) []row {
	t.Helper()
	var rows []row
	for i, line := range strings.Split(strings.TrimSuffix(text, "\n"), "\n") {
		if line == "" && i == 0 {
			break
		}
		d := json.NewDecoder(strings.NewReader(line))
		d.UseNumber()
		fail := func(err error) {
			t.Fatalf("output line %d is not a flat JSON object: %v\n%s", i+1, err, line)
		}
		if tok, err := d.Token(); err != nil || tok != json.Delim('{') {
			fail(err)
		}
		var r row
		for d.More() {
			k, err := d.Token()
			if err != nil {
				fail(err)
			}
			v, err := d.Token()
			if err != nil {
				fail(err)
			}
			if _, isDelim := v.(json.Delim); isDelim {
				fail(fmt.Errorf("nested value"))
			}
			r = append(r, kv{k.(string), v})
		}
		if tok, err := d.Token(); err != nil || tok != json.Delim('}') {
			fail(err)
		}
		if _, err := d.Token(); err != io.EOF {
			fail(fmt.Errorf("text after the object"))
		}
		rows = append(rows, r)
	}
	return rows
}

// sameValue compares a parsed value with an expected one.
func sameValue(got, want any) bool {
	switch w := want.(type) {
	case nil:
		return got == nil
	case bool:
		g, ok := got.(bool)
		return ok && g == w
	case string:
		g, ok := got.(string)
		return ok && g == w
	case int64:
		g, ok := got.(json.Number)
		return ok && string(g) == strconv.FormatInt(w, 10)
	case dec:
		g, ok := got.(json.Number)
		return ok && string(g) == string(w)
	case float64:
		g, ok := got.(json.Number)
		if !ok {
			return false
		}
		f, err := strconv.ParseFloat(string(g), 64)
		return err == nil && f == w
	}
	panic(fmt.Sprintf("unexpected expected value %T", want))
}

func sameRow(got, want row) bool {
	if len(got) != len(want) {
		return false
	}
	for i := range got {
		if got[i].key != want[i].key || !sameValue(got[i].val, want[i].val) {
			return false
		}
	}
	return true
}

// checkRows compares the job's output rows with the expected ones, in order.
func checkRows(t *testing.T, what string, got, want []row) {
	t.Helper()
	bad := 0
	for i := 0; i < max(len(got), len(want)); i++ {
		switch {
		case i >= len(got):
			t.Errorf("%s: row %d missing; want %v", what, i+1, want[i])
		case i >= len(want):
			t.Errorf("%s: unexpected row %d: %v", what, i+1, got[i])
		case !sameRow(got[i], want[i]):
			t.Errorf("%s: row %d\n got %v\nwant %v", what, i+1, got[i], want[i])
		default:
			continue
		}
		if bad++; bad == 5 {
			t.Fatalf("%s: giving up after 5 wrong rows (%d rows, want %d)", what, len(got), len(want))
		}
	}
}

// ---- Generated input ----

// T0 is a minute boundary: 2023-11-14T22:14:00Z.
const T0 = 1700000040000

// order is one generated record of the order-book schema. nil pointers are NULLs.
type order struct {
	symbol, side *string
	qty          *int64
	price        *big.Int // unscaled DECIMAL(12,4)
	ts           int64
}

// orderSchema is the CREATE STREAM column list every order-book job uses.
const orderSchema = `(symbol VARCHAR, side VARCHAR, quantity BIGINT, price DECIMAL(12,4), event_time TIMESTAMP)`

func ptr[T any](v T) *T { return &v }

// genOrders generates n order records from seed: several symbols (one with a comma, one non-ASCII), NULLs in every
// column but the event time, negative quantities and prices, prices with 4 fractional digits, and event times
// 400ms apart on average of which about a third go back up to maxBack milliseconds, half of them truncated to
// whole seconds. Within each minute every
// symbol leans to buying, selling or neither, so that the order-flow ratios vary.
func genOrders(seed uint64, n int, maxBack int64) []order {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	symbols := []string{"AAPL", "MSFT", "GOOG", "BRK,B", "TSLA", "Ünï"}
	lean := map[[2]int64]float64{}
	out := make([]order, n)
	for i := range out {
		o := &out[i]
		o.ts = T0 + int64(i)*400 + rng.Int64N(400)
		if rng.IntN(3) == 0 {
			o.ts -= rng.Int64N(maxBack + 1)
		}
		if rng.IntN(2) == 0 {
			o.ts -= o.ts % 1000 // whole seconds make records land exactly on window and watermark edges
		}
		sym := rng.IntN(len(symbols) + 1)
		if sym < len(symbols) || rng.IntN(3) > 0 { // the NULL symbol is rarer than the others
			sym %= len(symbols)
			o.symbol = ptr(symbols[sym])
		}
		k := [2]int64{o.ts / 60000, int64(sym)}
		pBuy, ok := lean[k]
		if !ok {
			pBuy = []float64{0.9, 0.5, 0.1}[rng.IntN(3)]
			lean[k] = pBuy
		}
		switch p := rng.Float64(); {
		case p < 0.04:
		case p < 0.08:
			o.side = ptr("HOLD")
		case rng.Float64() < pBuy:
			o.side = ptr("BUY")
		default:
			o.side = ptr("SELL")
		}
		if rng.IntN(20) > 0 {
			o.qty = ptr(rng.Int64N(1201) - 200)
		}
		if rng.IntN(20) > 0 {
			o.price = big.NewInt(rng.Int64N(2_000_001) - 500_000) // -50.0000 .. 150.0000
		}
	}
	return append(out, edgeOrders(out)...)
}

// edgeOrders are records that put groups exactly on the thresholds of the tests' HAVING clauses, so that a '>'
// compiled as '>=' shows. They come two minutes after the generated records, in one window of every size.
func edgeOrders(before []order) []order {
	last := int64(0)
	for _, o := range before {
		last = max(last, o.ts)
	}
	w := (last/60000 + 2) * 60000
	var out []order
	add := func(sym, side string, qty, price int64) {
		out = append(out, order{symbol: ptr(sym), side: ptr(side), qty: ptr(qty), price: big.NewInt(price), ts: w + 1000 + int64(len(out))})
	}
	add("EDGE-A", "BUY", 6000, 10000) // SUM(quantity) = 10000: not > 10000
	add("EDGE-A", "BUY", 4000, 10000)
	add("EDGE-B", "BUY", 7700, 10000) // buy ratio 7700/11000 = 0.7: not > 0.7
	add("EDGE-B", "SELL", 3300, 10000)
	add("EDGE-C", "BUY", 7701, 10000) // buy ratio 0.70009
	add("EDGE-C", "SELL", 3299, 10000)
	add("EDGE-D", "SELL", 10001, 10000)  // total 10001
	add("EDGE-E", "BUY", 400, 1_000_000) // (400 + 100.0000) * 2 = 1000; COUNT(*) * AVG(price) = 100
	add("EDGE-F", "BUY", 400, 1_000_001) // 1000.0002 and 100.0001
	add("EDGE-G", "SELL", 100, -1)       // SUM(quantity) = 100: not > 100
	add("EDGE-H", "SELL", 101, -1)       // 101
	return out
}

// ordersJSONL writes orders as JSON lines in random key order; NULLs are written as null or left out, some
// numbers as strings, some keys escaped, and some records have a field the schema lacks.
func ordersJSONL(orders []order, seed uint64) []byte {
	rng := rand.New(rand.NewPCG(seed, 1))
	var b bytes.Buffer
	for _, o := range orders {
		var parts []string
		add := func(key, val string, null bool) {
			if null {
				if rng.IntN(2) == 0 {
					return
				}
				val = "null"
			}
			parts = append(parts, strconv.Quote(key)+":"+val)
		}
		str := func(p *string) string {
			if p == nil {
				return ""
			}
			s, _ := json.Marshal(*p)
			return string(s)
		}
		add("symbol", str(o.symbol), o.symbol == nil)
		add("side", str(o.side), o.side == nil)
		if o.qty != nil {
			add("quantity", strconv.FormatInt(*o.qty, 10), false)
		} else {
			add("quantity", "", true)
		}
		if o.price != nil {
			p := string(decText(o.price, 4))
			if rng.IntN(4) == 0 {
				p = strconv.Quote(p)
			}
			add("price", p, false)
		} else {
			add("price", "", true)
		}
		add("event_time", strconv.FormatInt(o.ts, 10), false)
		switch rng.IntN(10) {
		case 0: // a field the schema does not have, with nested values to skip
			parts = append(parts, `"meta":{"tags":["a\"b",{"x":null}],"n":-1.5e3}`)
		case 1: // an escaped key
			for i, p := range parts {
				if strings.HasPrefix(p, `"side":`) {
					parts[i] = `"s\u0069de":` + strings.TrimPrefix(p, `"side":`)
				}
			}
		}
		rng.Shuffle(len(parts), func(i, j int) { parts[i], parts[j] = parts[j], parts[i] })
		b.WriteString("{" + strings.Join(parts, ",") + "}\n")
	}
	return b.Bytes()
}

// ordersCSV writes orders as CSV with a header; NULL is an empty field. With crlf, lines end in CRLF and the
// file starts with a byte order mark, as spreadsheet exports do.
func ordersCSV(orders []order, crlf bool) []byte {
	var b bytes.Buffer
	if crlf {
		b.WriteString("\uFEFF")
	}
	w := csv.NewWriter(&b)
	w.UseCRLF = crlf
	w.Write([]string{"event_time", "symbol", "side", "quantity", "price"})
	for _, o := range orders {
		rec := []string{strconv.FormatInt(o.ts, 10), "", "", "", ""}
		if o.symbol != nil {
			rec[1] = *o.symbol
		}
		if o.side != nil {
			rec[2] = *o.side
		}
		if o.qty != nil {
			rec[3] = strconv.FormatInt(*o.qty, 10)
		}
		if o.price != nil {
			rec[4] = string(decText(o.price, 4))
		}
		w.Write(rec)
	}
	w.Flush()
	return b.Bytes()
}

// ---- Reference engine ----

// refGroup is one group of a reference aggregation: its window start (0 without a window) and key.
type refGroup[S any] struct {
	start int64
	key   *string // the symbol (nil is the NULL group)
	side  *string // the second key, for queries grouped by symbol and side
	state *S
}

// keyOf is a comparable form of an optional string.
func keyOf(p *string) string {
	if p == nil {
		return "\x00NULL"
	}
	return "=" + *p
}

// refAggregate groups orders the way a velocc job does and returns the groups in the order their rows are
// written. With size > 0 the groups are per tumbling window: a record is late, dropped and counted, when its
// window ended at or before the watermark (the largest event time seen so far minus delay); windows are written
// in ascending order of start. Within a window (or without one) groups come in order of first appearance.
func refAggregate[S any](orders []order, size, delay int64, bySide bool, add func(s *S, o order)) (groups []*refGroup[S], late int) {
	return refAggregateWhere(orders, size, delay, bySide, nil, add)
}

// refAggregateWhere is refAggregate for a query with a WHERE clause: records where rejects are not aggregated,
// but their event times still move the watermark, which belongs to the source.
func refAggregateWhere[S any](orders []order, size, delay int64, bySide bool, where func(o order) bool, add func(s *S, o order)) (groups []*refGroup[S], late int) {
	type gk struct {
		start     int64
		sym, side string
	}
	index := map[gk]*refGroup[S]{}
	maxSeen := int64(-1 << 63)
	var starts []int64
	byStart := map[int64][]*refGroup[S]{}
	for _, o := range orders {
		if where != nil && !where(o) {
			maxSeen = max(maxSeen, o.ts)
			continue
		}
		start := int64(0)
		if size > 0 {
			start = o.ts - ((o.ts%size)+size)%size
			if maxSeen != -1<<63 && start+size <= maxSeen-delay {
				late++
				continue
			}
			maxSeen = max(maxSeen, o.ts)
		}
		k := gk{start: start, sym: keyOf(o.symbol)}
		if bySide {
			k.side = keyOf(o.side)
		}
		g := index[k]
		if g == nil {
			g = &refGroup[S]{start: start, key: o.symbol, state: new(S)}
			if bySide {
				g.side = o.side
			}
			index[k] = g
			if byStart[start] == nil {
				starts = append(starts, start)
			}
			byStart[start] = append(byStart[start], g)
		}
		add(g.state, o)
	}
	slices.Sort(starts)
	for _, s := range starts {
		groups = append(groups, byStart[s]...)
	}
	return groups, late
}

// isLate reports whether o, arriving after the records before, is late for tumbling windows of size: its window
// ended at or before the watermark. The records before must be the ones the same query kept, or all of them: a
// late record is older than the watermark, so it never moves it.
func isLate(before []order, o order, size, delay int64) bool {
	if len(before) == 0 {
		return false
	}
	maxSeen := before[0].ts
	for _, b := range before {
		maxSeen = max(maxSeen, b.ts)
	}
	start := o.ts - ((o.ts%size)+size)%size
	return start+size <= maxSeen-delay
}

// sum is a SQL SUM over BIGINT: NULL until a non-NULL value is added.
type sum struct {
	v int64
	n int
}

func (s *sum) add(v *int64) {
	if v != nil {
		s.v += *v
		s.n++
	}
}

func (s *sum) val() any {
	if s.n == 0 {
		return nil
	}
	return s.v
}

// decSum is SUM over a DECIMAL (unscaled big integers).
type decSum struct {
	v big.Int
	n int64
}

func (s *decSum) add(v *big.Int) {
	if v != nil {
		s.v.Add(&s.v, v)
		s.n++
	}
}

// strOrNil is a nullable VARCHAR as an expected value.
func strOrNil(p *string) any {
	if p == nil {
		return nil
	}
	return *p
}

// tri is SQL three-valued logic: nil is UNKNOWN.
type tri = *bool

func and(a, b tri) tri {
	switch {
	case a != nil && !*a, b != nil && !*b:
		return ptr(false)
	case a == nil || b == nil:
		return nil
	}
	return ptr(true)
}

func or(a, b tri) tri {
	switch {
	case a != nil && *a, b != nil && *b:
		return ptr(true)
	case a == nil || b == nil:
		return nil
	}
	return ptr(false)
}

func isTrue(a tri) bool { return a != nil && *a }

// cmpGT is x > y for nullable numbers given as any (nil, int64 or float64).
func cmpGT(x any, y float64) tri {
	switch v := x.(type) {
	case nil:
		return nil
	case int64:
		return ptr(float64(v) > y)
	case float64:
		return ptr(v > y)
	}
	panic(fmt.Sprintf("cmpGT on %T", x))
}

// ratio is a / b as DOUBLE for nullable BIGINTs: NULL when either is NULL or b is 0.
func ratio(a, b any) any {
	x, ok1 := a.(int64)
	y, ok2 := b.(int64)
	if !ok1 || !ok2 || y == 0 {
		return nil
	}
	return float64(x) / float64(y)
}

func itoa(n int) string { return strconv.Itoa(n) }

func toString(v any) string { return fmt.Sprint(v) }

// firstDiff describes the first line where two outputs differ.
func firstDiff(want, got string) string {
	w, g := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < max(len(w), len(g)); i++ {
		var wl, gl string
		if i < len(w) {
			wl = w[i]
		}
		if i < len(g) {
			gl = g[i]
		}
		if wl != gl || i >= len(w) || i >= len(g) {
			return fmt.Sprintf("line %d (of %d, want %d):\n got %s\nwant %s", i+1, len(g), len(w), gl, wl)
		}
	}
	return "(no difference)"
}
