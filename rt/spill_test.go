package rt

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
)

// memStore is a SpillStore in memory, for tests: a map with sorted scans. fail, when set, is the error of every
// later call.
type memStore struct {
	mu   sync.Mutex
	m    map[string][]byte
	fail error
}

func newMemStore() *memStore { return &memStore{m: map[string][]byte{}} }

func (s *memStore) Get(key, buf []byte) ([]byte, bool, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fail != nil {
		return buf[:0], false, s.fail
	}
	v, ok := s.m[string(key)]
	return append(buf[:0], v...), ok, nil
}

func (s *memStore) NewBatch() SpillBatch { return &memBatch{s: s} }

func (s *memStore) Scan(lo, hi []byte, fn func(key, value []byte) error) error {
	s.mu.Lock()
	if s.fail != nil {
		s.mu.Unlock()
		return s.fail
	}
	var keys []string
	for k := range s.m {
		if k >= string(lo) && k < string(hi) {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	vals := make([][]byte, len(keys))
	for i, k := range keys {
		vals[i] = s.m[k]
	}
	s.mu.Unlock()
	for i, k := range keys {
		if err := fn([]byte(k), vals[i]); err != nil {
			return err
		}
	}
	return nil
}

func (s *memStore) DeleteRange(lo, hi []byte) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.fail != nil {
		return s.fail
	}
	for k := range s.m {
		if k >= string(lo) && k < string(hi) {
			delete(s.m, k)
		}
	}
	return nil
}

func (s *memStore) Close() error { return nil }

func (s *memStore) len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.m)
}

type memBatch struct {
	s    *memStore
	ops  []memOp
	size int
}

type memOp struct {
	key, val []byte
	del      bool
}

func (b *memBatch) Set(key, value []byte) {
	b.ops = append(b.ops, memOp{key: bytes.Clone(key), val: bytes.Clone(value)})
	b.size += len(key) + len(value)
}

func (b *memBatch) Delete(key []byte) {
	b.ops = append(b.ops, memOp{key: bytes.Clone(key), del: true})
	b.size += len(key)
}

func (b *memBatch) Size() int { return b.size }

func (b *memBatch) Commit() error {
	b.s.mu.Lock()
	defer b.s.mu.Unlock()
	if b.s.fail != nil {
		return b.s.fail
	}
	for _, op := range b.ops {
		if op.del {
			delete(b.s.m, string(op.key))
		} else {
			b.s.m[string(op.key)] = op.val
		}
	}
	return nil
}

// spKey and spState are a key and a state with every part a spilled group must keep: strings, a NULL flag, a set.
type spKey struct {
	name string
	id   int32
	null bool
}

type spState struct {
	n, sum int64
	last   string
	seen   Distinct[string]
}

var spCodec = &Codec[spKey, spState]{
	Layout: "test",
	AppendKey: func(k *spKey, b []byte) []byte {
		return AppendBool(AppendInt32(AppendString(b, k.name), k.id), k.null)
	},
	DecodeKey: func(k *spKey, d *BinDecoder) { k.name, k.id, k.null = d.String(), d.Int32(), d.Bool() },
	AppendState: func(s *spState, b []byte) []byte {
		b = AppendInt64(AppendInt64(b, s.n), s.sum)
		return AppendDistinct(AppendString(b, s.last), &s.seen, AppendString)
	},
	DecodeState: func(s *spState, d *BinDecoder) {
		s.n, s.sum, s.last = d.Int64(), d.Int64(), d.String()
		DecodeDistinct(d, &s.seen, (*BinDecoder).String)
	},
}

// spOracle is what a Groups must hold: states by key and the keys in first-seen order.
type spOracle struct {
	state map[spKey]*spOracleState
	order []spKey
}

type spOracleState struct {
	n, sum int64
	last   string
	seen   map[string]bool
}

func newSpOracle() *spOracle { return &spOracle{state: map[spKey]*spOracleState{}} }

// update folds one value into key k of both g's state s and the oracle, after checking that s is the oracle's.
func (o *spOracle) update(t *testing.T, step int, k spKey, s *spState, created bool, v int64) {
	t.Helper()
	os, ok := o.state[k]
	if created == ok {
		t.Fatalf("step %d: key %v created=%v, but the oracle has it: %v", step, k, created, ok)
	}
	if !ok {
		os = &spOracleState{seen: map[string]bool{}}
		o.state[k] = os
		o.order = append(o.order, k)
	}
	if s.n != os.n || s.sum != os.sum || s.last != os.last || s.seen.Len() != len(os.seen) {
		t.Fatalf("step %d: key %v has %d/%d/%q/%d, the oracle %d/%d/%q/%d", step, k, s.n, s.sum, s.last, s.seen.Len(), os.n, os.sum, os.last, len(os.seen))
	}
	word := fmt.Sprintf("w%d", v%7)
	s.n++
	s.sum += v
	s.last = Own(word)
	s.seen.AddOwn(word, Own)
	os.n++
	os.sum += v
	os.last = word
	os.seen[word] = true
}

// rows renders groups as one line each, in order.
func (o *spOracle) rows() []string {
	var out []string
	for _, k := range o.order {
		s := o.state[k]
		out = append(out, fmt.Sprintf("%v:%d/%d/%s/%d", k, s.n, s.sum, s.last, len(s.seen)))
	}
	return out
}

func groupRows(t *testing.T, g *Groups[spKey, spState]) []string {
	t.Helper()
	var out []string
	if err := g.Each(func(k *spKey, s *spState) error {
		out = append(out, fmt.Sprintf("%v:%d/%d/%s/%d", *k, s.n, s.sum, s.last, s.seen.Len()))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return out
}

func testSpillEnv(t *testing.T) (*spillEnv, *memStore) {
	st := newMemStore()
	env := &spillEnv{open: func(string, int64) (SpillStore, error) { return st, nil }, parent: t.TempDir()}
	t.Cleanup(func() { env.close() })
	return env, st
}

// randomKey draws from n keys, with a NULL key among them; the strings are fresh so that a kept key must be owned.
func randomKey(rng *rand.Rand, n int) spKey {
	i := rng.IntN(n)
	if i == 0 {
		return spKey{null: true}
	}
	return spKey{name: strings.Clone(fmt.Sprintf("key-%d", i)), id: int32(i % 3)}
}

// TestGroupsSpillOracle: a Groups that spills, driven by random lookups, spills, resets and scans, holds exactly
// what a plain map does, and Each visits the groups in first-seen order (or, unordered, visits each once).
func TestGroupsSpillOracle(t *testing.T) {
	for seed := uint64(1); seed <= 6; seed++ {
		rng := rand.New(rand.NewPCG(seed, 7))
		env, st := testSpillEnv(t)
		g := NewGroups[spKey, spState]()
		ordered := seed%3 != 0
		g.Spill(spCodec, ordered)
		rows := func(r []string) []string {
			if !ordered {
				r = slices.Clone(r)
				slices.Sort(r)
			}
			return r
		}
		g.OwnKeys(func(k *spKey) { k.name = Own(k.name) })
		if seed%2 == 0 {
			g.HashKeys(func(k spKey) uint64 { return HashString(k.name) })
		}
		o := newSpOracle()
		keys := 300 + rng.IntN(3000)
		for step := 0; step < 40000; step++ {
			switch r := rng.IntN(1000); {
			case r < 4: // the watcher spills everything held in memory
				if _, err := g.spill(env); err != nil {
					t.Fatal(err)
				}
			case r < 6:
				if got, want := rows(groupRows(t, g)), rows(o.rows()); !slices.Equal(got, want) {
					t.Fatalf("seed %d step %d: Each differs from the oracle at %s", seed, step, firstDiffLine(got, want))
				}
			case r == 6 && step > 30000:
				g.reset()
				o = newSpOracle()
			default:
				k := randomKey(rng, keys)
				s, created := g.Get(k)
				o.update(t, step, k, s, created, rng.Int64N(1000)-500)
			}
			if g.sp != nil && g.sp.sh.mem != len(g.entries) {
				t.Fatalf("step %d: %d groups counted in memory, %d held", step, g.sp.sh.mem, len(g.entries))
			}
		}
		if g.sp == nil || env.groups.Load() == 0 || env.loads.Load() == 0 {
			t.Fatalf("seed %d: nothing was spilled and brought back", seed)
		}
		if g.Len() != len(o.order) {
			t.Errorf("Len %d, want %d", g.Len(), len(o.order))
		}
		if got, want := rows(groupRows(t, g)), rows(o.rows()); !slices.Equal(got, want) {
			t.Fatalf("seed %d: Each differs from the oracle at %s", seed, firstDiffLine(got, want))
		}
		perGroup := 1
		if ordered {
			perGroup = 2
		}
		if n := st.len(); n != perGroup*g.sp.stored {
			t.Errorf("seed %d: %d records in the store for %d groups stored", seed, n, g.sp.stored)
		}
		g.reset()
		if g.Len() != 0 || st.len() != 0 || len(groupRows(t, g)) != 0 {
			t.Errorf("after reset: Len %d, %d records stored", g.Len(), st.len())
		}
	}
}

// TestWindowsSpillOracle: a Windows that spills closes its windows with exactly the groups of a plain map, in
// ascending start order and first-seen order within a window, and leaves nothing of a closed window on disk.
func TestWindowsSpillOracle(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 9))
	env, st := testSpillEnv(t)
	w := NewWindows[spKey, spState](10)
	w.Spill(spCodec, true)
	w.OwnKeys(func(k *spKey) { k.name = Own(k.name) })
	oracle := map[int64]*spOracle{}
	var closed, want []string
	emit := func(start int64, k *spKey, s *spState) error {
		closed = append(closed, fmt.Sprintf("%d %v:%d/%d/%s/%d", start, *k, s.n, s.sum, s.last, s.seen.Len()))
		return nil
	}
	closeOracle := func(wm int64) {
		var starts []int64
		for start := range oracle {
			if start+10 <= wm {
				starts = append(starts, start)
			}
		}
		slices.Sort(starts)
		for _, start := range starts {
			for _, r := range oracle[start].rows() {
				want = append(want, fmt.Sprintf("%d %s", start, r))
			}
			delete(oracle, start)
		}
	}
	wm := int64(0)
	for step := 0; step < 60000; step++ {
		switch r := rng.IntN(1000); {
		case r < 3:
			if _, err := w.spill(env); err != nil {
				t.Fatal(err)
			}
		case r < 5:
			wm += 10
			if err := w.CloseUpTo(wm, emit); err != nil {
				t.Fatal(err)
			}
			closeOracle(wm)
		default:
			start := wm + 10*rng.Int64N(4)
			k := randomKey(rng, 1500)
			s, created := w.Get(start, k)
			if oracle[start] == nil {
				oracle[start] = newSpOracle()
			}
			oracle[start].update(t, step, k, s, created, rng.Int64N(100))
		}
		if w.sp != nil {
			mem := 0
			for _, g := range w.open {
				mem += len(g.entries)
			}
			if w.sp.mem != mem {
				t.Fatalf("step %d: %d groups counted in memory, %d held", step, w.sp.mem, mem)
			}
		}
	}
	if err := w.CloseAll(emit); err != nil {
		t.Fatal(err)
	}
	closeOracle(1 << 62)
	if !slices.Equal(closed, want) {
		t.Fatalf("windows closed differently from the oracle at %s", firstDiffLine(closed, want))
	}
	if env.groups.Load() == 0 || env.loads.Load() == 0 {
		t.Fatal("nothing was spilled and brought back")
	}
	if n := st.len(); n != 0 {
		t.Errorf("%d records left in the store after every window closed", n)
	}
}

// TestSpillSources: two sources spill their own state into one store at once (run with -race).
func TestSpillSources(t *testing.T) {
	env, _ := testSpillEnv(t)
	var wg sync.WaitGroup
	errs := make([]error, 2)
	for i := range 2 {
		wg.Go(func() {
			g := NewGroups[spKey, spState]()
			g.Spill(spCodec, true)
			o := newSpOracle()
			rng := rand.New(rand.NewPCG(uint64(i), 1))
			for step := 0; step < 20000; step++ {
				if step%3000 == 2999 {
					if _, err := g.spill(env); err != nil {
						errs[i] = err
						return
					}
				}
				k := randomKey(rng, 2000)
				s, created := g.Get(k)
				o.update(t, step, k, s, created, int64(step))
			}
			if got, want := groupRows(t, g), o.rows(); !slices.Equal(got, want) {
				errs[i] = fmt.Errorf("source %d: Each differs at %s", i, firstDiffLine(got, want))
			}
		})
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Error(err)
		}
	}
	if env.ids != 2 {
		t.Errorf("%d namespaces, want one per source's state", env.ids)
	}
}

// firstDiffLine describes where two lists of rows first differ.
func firstDiffLine(got, want []string) string {
	for i := 0; i < len(got) && i < len(want); i++ {
		if got[i] != want[i] {
			return fmt.Sprintf("row %d: got %s, want %s", i, got[i], want[i])
		}
	}
	return fmt.Sprintf("length: got %d rows, want %d", len(got), len(want))
}

// TestWindowsSpillReset: a rebalance's reset drops the spilled groups of every window with those in memory, and
// the state starts over.
func TestWindowsSpillReset(t *testing.T) {
	env, st := testSpillEnv(t)
	w := NewWindows[spKey, spState](10)
	w.Spill(spCodec, true)
	rng := rand.New(rand.NewPCG(1, 1))
	o := newSpOracle()
	for i := range 3000 {
		k := randomKey(rng, 2000)
		s, _ := w.Get(10*int64(i%3), k)
		s.n = 1
	}
	if _, err := w.spill(env); err != nil || st.len() == 0 {
		t.Fatalf("spill: %v, %d records", err, st.len())
	}
	w.reset()
	if st.len() != 0 || w.Open() != 0 || w.sp.mem != 0 {
		t.Fatalf("after reset: %d records, %d windows, %d in memory", st.len(), w.Open(), w.sp.mem)
	}
	for step := range 500 {
		k := randomKey(rng, 300)
		s, created := w.Get(100, k)
		o.update(t, step, k, s, created, 1)
	}
	var got []string
	if err := w.CloseAll(func(start int64, k *spKey, s *spState) error {
		got = append(got, fmt.Sprintf("%v:%d/%d/%s/%d", *k, s.n, s.sum, s.last, s.seen.Len()))
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	if want := o.rows(); !slices.Equal(got, want) {
		t.Errorf("after reset, the windows hold %s", firstDiffLine(got, want))
	}
}
