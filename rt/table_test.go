package rt

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// tRow is a table row as generated code would declare it.
type tRow struct {
	Key   string
	Value int64
}

func newTestTable() *Table[string, tRow] {
	t := NewTable[string, tRow](&Source{})
	t.Own(func(k *string, r *tRow) {
		*k = strings.Clone(*k)
		r.Key = *k
	})
	return t
}

// model is the oracle for Table: the rows in the order their keys were first put, in a plain slice.
type model struct {
	keys []string
	rows map[string]int64
}

func (m *model) put(k string, v int64) {
	if _, ok := m.rows[k]; !ok {
		m.keys = append(m.keys, k)
	}
	m.rows[k] = v
}

func (m *model) del(k string) {
	if _, ok := m.rows[k]; ok {
		delete(m.rows, k)
		m.keys = slices.DeleteFunc(m.keys, func(x string) bool { return x == k })
	}
}

// check compares every way of reading the table with the model.
func (m *model) check(t *testing.T, tbl *Table[string, tRow], step int) {
	t.Helper()
	if tbl.Len() != len(m.keys) {
		t.Fatalf("step %d: Len %d, want %d", step, tbl.Len(), len(m.keys))
	}
	var scratch tRow
	for i, k := range m.keys {
		r := tbl.At(i, &scratch)
		if r == nil || r.Key != k || r.Value != m.rows[k] {
			t.Fatalf("step %d: At(%d) = %+v, want {%s %d}", step, i, r, k, m.rows[k])
		}
		g := tbl.Get(k, &scratch)
		if g == nil || g.Value != m.rows[k] {
			t.Fatalf("step %d: Get(%s) = %+v, want %d", step, k, g, m.rows[k])
		}
	}
	if r := tbl.At(len(m.keys), &scratch); r != nil {
		t.Fatalf("step %d: At(Len) = %+v, want nil", step, r)
	}
}

func TestTableUpsert(t *testing.T) {
	tbl := newTestTable()
	for i, kv := range []struct {
		k string
		v int64
	}{{"b", 1}, {"a", 2}, {"b", 3}, {"c", 4}, {"a", 5}} {
		row := tRow{Key: kv.k, Value: kv.v}
		tbl.Put(kv.k, &row)
		row.Value = -1 // the table keeps its own copy
		_ = i
	}
	var scratch tRow
	var got []string
	for i := 0; i < tbl.Len(); i++ {
		r := tbl.At(i, &scratch)
		got = append(got, fmt.Sprintf("%s=%d", r.Key, r.Value))
	}
	if want := "b=3 a=5 c=4"; strings.Join(got, " ") != want {
		t.Errorf("rows %q, want %q (later rows replace earlier ones in the key's first place)", strings.Join(got, " "), want)
	}
	if r := tbl.Get("z", &scratch); r != nil {
		t.Errorf("Get of a missing key = %+v", r)
	}
	if n := tbl.stat.replaced.Load(); n != 2 {
		t.Errorf("replaced %d, want 2", n)
	}
	if n := tbl.stat.rows.Load(); n != 3 {
		t.Errorf("rows %d, want 3", n)
	}
}

// TestTableOwn: the table keeps copies of a row's strings made by Own, not views of the caller's buffer.
func TestTableOwn(t *testing.T) {
	tbl := newTestTable()
	buf := []byte("key1")
	k := view(buf)
	tbl.Put(k, &tRow{Key: k, Value: 1})
	poison(buf)
	var scratch tRow
	if r := tbl.Get("key1", &scratch); r == nil || r.Key != "key1" {
		t.Errorf("Get after the buffer changed: %+v", r)
	}
}

// TestTableAgainstModel runs random puts and deletes, checking every read against the model after each step,
// unshared and shared: deletes keep the order of the other rows, and scans stay right across compactions.
func TestTableAgainstModel(t *testing.T) {
	for _, shared := range []bool{false, true} {
		t.Run(fmt.Sprintf("shared=%v", shared), func(t *testing.T) {
			rng := rand.New(rand.NewPCG(1, 2))
			tbl := newTestTable()
			if shared {
				tbl.share()
			}
			m := &model{rows: map[string]int64{}}
			for step := range 3000 {
				k := "k" + strconv.Itoa(rng.IntN(300))
				// Phases: mostly puts, then mostly deletes, then mixed, so that the table both grows past the
				// chunk size and empties into compactions.
				var del bool
				switch {
				case step < 1000:
					del = rng.IntN(10) == 0
				case step < 2000:
					del = rng.IntN(10) < 8
				default:
					del = rng.IntN(2) == 0
				}
				if del {
					tbl.Delete(k)
					m.del(k)
				} else {
					v := int64(step)
					tbl.Put(k, &tRow{Key: k, Value: v})
					m.put(k, v)
				}
				if step%7 == 0 || step > 2900 {
					m.check(t, tbl, step)
				}
				if tbl.dead > tbl.rows {
					t.Fatalf("step %d: %d deleted slots kept beside %d rows", step, tbl.dead, tbl.rows)
				}
			}
			m.check(t, tbl, -1)
		})
	}
}

// TestTableGrowsWithDeletes: rows put after deletes, across many 64-slot blocks, keep their rank.
func TestTableGrowsWithDeletes(t *testing.T) {
	tbl := newTestTable()
	m := &model{rows: map[string]int64{}}
	put := func(i int) {
		k := "k" + strconv.Itoa(i)
		tbl.Put(k, &tRow{Key: k, Value: int64(i)})
		m.put(k, int64(i))
	}
	for i := range 100 {
		put(i)
	}
	for i := 0; i < 100; i += 3 {
		k := "k" + strconv.Itoa(i)
		tbl.Delete(k)
		m.del(k)
	}
	for i := 100; i < 2500; i++ {
		put(i)
		if i%97 == 0 {
			m.check(t, tbl, i)
		}
	}
	m.check(t, tbl, -1)
}

func TestFenwick(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	var f fenwick
	var counts []int32
	for step := range 2000 {
		if len(counts) == 0 || rng.IntN(4) == 0 {
			f.grow()
			counts = append(counts, 0)
		}
		b := rng.IntN(len(counts))
		d := int32(rng.IntN(65))
		if counts[b]+d > 64 {
			d = -counts[b]
		}
		f.add(b, d)
		counts[b] += d
		var sum int32
		for i, c := range counts {
			if p := f.prefix(i); p != sum {
				t.Fatalf("step %d: prefix(%d) = %d, want %d", step, i, p, sum)
			}
			for r := int32(0); r < c; r++ {
				if gb, gr := f.find(int(sum + r)); gb != i || gr != int(r) {
					t.Fatalf("step %d: find(%d) = %d,%d, want %d,%d", step, sum+r, gb, gr, i, r)
				}
			}
			sum += c
		}
	}
	if b := selectBit(0b1011_0000, 2); b != 7 {
		t.Errorf("selectBit = %d, want 7", b)
	}
}

// TestTableSharedReaders: while shared, a writer replaces and deletes rows as readers look them up and scan; a
// reader never sees a torn row (Value is always derived from Key), and the race detector sees the locking.
func TestTableSharedReaders(t *testing.T) {
	tbl := newTestTable()
	const keys = 500
	for i := range keys {
		k := strconv.Itoa(i)
		tbl.Put(k, &tRow{Key: k, Value: int64(i)})
	}
	tbl.share()
	var wg sync.WaitGroup
	stop := make(chan struct{})
	errs := make(chan string, 4)
	for range 2 {
		wg.Go(func() {
			var scratch tRow
			for n := 0; ; n++ {
				select {
				case <-stop:
					return
				default:
				}
				k := strconv.Itoa(n % keys)
				if r := tbl.Get(k, &scratch); r != nil && (r.Key != k || r.Value%keys != int64(n%keys)) {
					errs <- fmt.Sprintf("Get(%s) = %+v", k, *r)
					return
				}
				if r := tbl.At(n%keys, &scratch); r != nil && strconv.FormatInt(r.Value%keys, 10) != r.Key {
					errs <- fmt.Sprintf("At = %+v", *r)
					return
				}
			}
		})
	}
	for round := 1; round <= 20; round++ {
		for i := range keys {
			k := strconv.Itoa(i)
			if (i+round)%3 == 0 {
				tbl.Delete(k)
			} else {
				tbl.Put(k, &tRow{Key: k, Value: int64(round*keys + i)})
			}
		}
	}
	close(stop)
	wg.Wait()
	select {
	case e := <-errs:
		t.Fatal(e)
	default:
	}
	tbl.settle()
	if tbl.shared.Load() || tbl.dead != 0 {
		t.Errorf("settled table: shared %v, %d deleted slots", tbl.shared.Load(), tbl.dead)
	}
}

// memRow is the row of the memory test: five columns.
type memRow struct {
	Symbol string
	Name   string
	Tick   Int128
	Qty    int64
	Price  float64
}

// TestTableMemory: 1,000,000 rows of five columns (a string key of 8 bytes, a string, a DECIMAL, a BIGINT and a
// DOUBLE) fit in 200 MB of heap.
func TestTableMemory(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a table of 1,000,000 rows")
	}
	const n = 1_000_000
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	tbl := NewTable[string, memRow](&Source{})
	tbl.Own(func(k *string, r *memRow) {
		*k = strings.Clone(*k)
		r.Symbol = *k
		r.Name = strings.Clone(r.Name)
	})
	buf := make([]byte, 0, 64)
	for i := range n {
		buf = fmt.Appendf(buf[:0], "S%07dname %d", i, i%1000)
		k := view(buf[:8])
		r := memRow{Symbol: k, Name: view(buf[8:]), Tick: I128(int64(i)), Qty: int64(i), Price: float64(i)}
		tbl.Put(k, &r)
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	heap := int64(after.HeapAlloc) - int64(before.HeapAlloc)
	t.Logf("%d rows: %.1f MB of heap, %.0f bytes a row", n, float64(heap)/1e6, float64(heap)/n)
	if heap > 200<<20 {
		t.Errorf("%d rows take %d MB of heap, more than 200 MB", n, heap>>20)
	}
	var scratch memRow
	if r := tbl.Get("S0999999", &scratch); r == nil || r.Qty != 999999 || r.Name != "name 999" {
		t.Errorf("last row: %+v", r)
	}
	runtime.KeepAlive(tbl)
}

// BenchmarkTableGet looks keys up in a table of 100,000 rows with a VARCHAR key, as a stream–table join does:
// each key is copied into a read buffer first and looked up as a view of it, as a decoder hands it over. The
// keys looked up are drawn uniformly from the table, Zipf-distributed (s=1.1: a few instruments get most orders),
// or from 1,000 of its keys (a hot set). Uniform lookups miss the CPU caches three times (the index, the entry,
// the key's bytes), so they measure the machine's memory latency more than the table. The gomap_ cases look the
// same keys up in the same way in Go's built-in map[string]int64: a yardstick of the machine, not a table.
func BenchmarkTableGet(b *testing.B) {
	const n = 100_000
	pick := map[string]func(rng *rand.Rand) int{
		"uniform": func(rng *rand.Rand) int { return rng.IntN(n) },
		"zipf": func() func(rng *rand.Rand) int {
			var z *rand.Zipf
			return func(rng *rand.Rand) int {
				if z == nil {
					z = rand.NewZipf(rng, 1.1, 1, n-1)
				}
				return int(z.Uint64()) * 7919 % n // spread the popular keys over the table
			}
		}(),
		"hot1000": func(rng *rand.Rand) int { return rng.IntN(1000) * 97 },
	}
	for _, name := range []string{"uniform", "zipf", "hot1000"} {
		b.Run(name, func(b *testing.B) {
			tbl := newTestTable()
			keys := make([]string, n)
			for i := range keys {
				keys[i] = fmt.Sprintf("SYM%05d", i)
				tbl.Put(keys[i], &tRow{Key: keys[i], Value: int64(i)})
			}
			rng := rand.New(rand.NewPCG(5, 6))
			order := make([]string, 1<<16)
			for i := range order {
				order[i] = keys[pick[name](rng)]
			}
			buf := make([]byte, 64)
			var scratch tRow
			var sum int64
			i := 0
			for b.Loop() {
				k := view(buf[:copy(buf, order[i&(len(order)-1)])])
				if r := tbl.Get(k, &scratch); r != nil {
					sum += r.Value
				} else {
					b.Fatalf("%s not found", k)
				}
				i++
			}
		})
	}
	for _, name := range []string{"uniform", "zipf", "hot1000"} {
		b.Run("gomap_"+name, func(b *testing.B) {
			m := make(map[string]int64, n)
			keys := make([]string, n)
			for i := range keys {
				keys[i] = fmt.Sprintf("SYM%05d", i)
				m[keys[i]] = int64(i)
			}
			rng := rand.New(rand.NewPCG(5, 6))
			order := make([]string, 1<<16)
			for i := range order {
				order[i] = keys[pick[name](rng)]
			}
			buf := make([]byte, 64)
			var sum int64
			i := 0
			for b.Loop() {
				k := view(buf[:copy(buf, order[i&(len(order)-1)])])
				v, ok := m[k]
				if !ok {
					b.Fatalf("%s not found", k)
				}
				sum += v
				i++
			}
		})
	}
}

// BenchmarkTableLoad loads a CSV table of 200,000 rows through a job (the hand-written join job's decoder, Put with
// Own) and reports rows/s.
func BenchmarkTableLoad(b *testing.B) {
	const n = 200_000
	dir := b.TempDir()
	var sb strings.Builder
	sb.WriteString("symbol,sector\n")
	for i := range n {
		fmt.Fprintf(&sb, "SYM%06d,sector %d\n", i, i%50)
	}
	table := filepath.Join(dir, "t.csv")
	orders := filepath.Join(dir, "o.jsonl")
	if err := os.WriteFile(table, []byte(sb.String()), 0o644); err != nil {
		b.Fatal(err)
	}
	if err := os.WriteFile(orders, nil, 0o644); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(sb.Len()))
	for b.Loop() {
		res := runJob(context.Background(), tableJob(SourceSpec{URI: "file:" + table}, SourceSpec{URI: "file:" + orders}, nil), "--bounded", "--stats=false")
		if res.code != 0 {
			b.Fatal(res.stderr)
		}
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "rows/s")
}
