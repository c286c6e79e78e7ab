package spill

import (
	"bytes"
	"fmt"
	"math/rand/v2"
	"slices"
	"sort"
	"testing"
)

// TestStoreOracle: random batches of sets and deletes, range deletes, lookups and scans on the pebble store give
// what a map gives, scans in ascending key order, with batches applied in the order of their writes.
func TestStoreOracle(t *testing.T) {
	st, err := Open(t.TempDir(), 24<<20)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	rng := rand.New(rand.NewPCG(5, 6))
	oracle := map[string]string{}
	key := func() []byte {
		return []byte{byte(rng.IntN(3)), 'k', byte(rng.IntN(40)), byte(rng.IntN(256))}
	}
	var buf []byte
	for step := 0; step < 20000; step++ {
		switch r := rng.IntN(100); {
		case r < 50:
			b := st.NewBatch()
			pending := map[string]*string{}
			for n := rng.IntN(20); n >= 0; n-- {
				k := key()
				if rng.IntN(4) == 0 {
					b.Delete(k)
					pending[string(k)] = nil
					continue
				}
				v := bytes.Repeat([]byte{byte(step)}, rng.IntN(300))
				b.Set(k, v)
				s := string(v)
				pending[string(k)] = &s
				if len(v) > 0 {
					v[0] ^= 0xff // the batch copied it
				}
			}
			if b.Size() <= 0 {
				t.Fatalf("step %d: batch size %d", step, b.Size())
			}
			if err := b.Commit(); err != nil {
				t.Fatal(err)
			}
			for k, v := range pending {
				if v == nil {
					delete(oracle, k)
				} else {
					oracle[k] = *v
				}
			}
		case r < 52:
			lo := key()
			hi := append(slices.Clone(lo[:2]), 0xff)
			if err := st.DeleteRange(lo, hi); err != nil {
				t.Fatal(err)
			}
			for k := range oracle {
				if k >= string(lo) && k < string(hi) {
					delete(oracle, k)
				}
			}
		case r < 90:
			k := key()
			var ok bool
			if buf, ok, err = st.Get(k, buf); err != nil {
				t.Fatal(err)
			}
			want, has := oracle[string(k)]
			if ok != has || string(buf) != want {
				t.Fatalf("step %d: Get(%x) = %v %d bytes, want %v %d bytes", step, k, ok, len(buf), has, len(want))
			}
		default:
			lo, hi := key(), key()
			if bytes.Compare(lo, hi) > 0 {
				lo, hi = hi, lo
			}
			var got []string
			if err := st.Scan(lo, hi, func(k, v []byte) error {
				got = append(got, fmt.Sprintf("%x=%d", k, len(v)))
				if oracle[string(k)] != string(v) {
					return fmt.Errorf("scan: %x has another value", k)
				}
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			var keys []string
			for k := range oracle {
				if k >= string(lo) && k < string(hi) {
					keys = append(keys, k)
				}
			}
			sort.Strings(keys)
			want := make([]string, len(keys))
			for i, k := range keys {
				want[i] = fmt.Sprintf("%x=%d", k, len(oracle[k]))
			}
			if !slices.Equal(got, want) {
				t.Fatalf("step %d: Scan(%x, %x) = %v, want %v", step, lo, hi, got, want)
			}
		}
	}
}

// TestScanStops: an error from the scan's function ends the scan and is returned.
func TestScanStops(t *testing.T) {
	st, err := Open(t.TempDir(), 24<<20)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	b := st.NewBatch()
	for i := range 10 {
		b.Set([]byte{byte(i)}, []byte{1})
	}
	if err := b.Commit(); err != nil {
		t.Fatal(err)
	}
	stop := fmt.Errorf("stop")
	n := 0
	if err := st.Scan([]byte{0}, []byte{10}, func(k, v []byte) error { n++; return stop }); err != stop || n != 1 {
		t.Errorf("Scan returned %v after %d keys", err, n)
	}
}
