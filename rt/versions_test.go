package rt

import (
	"math/rand/v2"
	"testing"
)

// TestVersions checks With, AsOf and Latest against a model (every put, in order), including versions out of
// time order, versions at a time already seen, and that a history looked up earlier is unchanged by later puts.
func TestVersions(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	type put struct{ ts, val int64 }
	for round := 0; round < 200; round++ {
		var v *Versions[int64]
		var puts []put
		var snaps []Versions[int64]
		var snapPuts [][]put
		for n := r.IntN(30); n > 0; n-- {
			p := put{ts: int64(r.IntN(20)), val: r.Int64()}
			if r.IntN(3) > 0 && len(puts) > 0 {
				p.ts = puts[len(puts)-1].ts + int64(r.IntN(3)) // mostly in time order
			}
			nv := v.With(p.ts, &p.val)
			v = &nv
			puts = append(puts, p)
			snaps = append(snaps, nv)
			snapPuts = append(snapPuts, append([]put(nil), puts...))
		}
		for k, s := range snaps {
			ps := snapPuts[k]
			if got := *s.Latest(); got != ps[len(ps)-1].val {
				t.Fatalf("round %d snapshot %d: Latest = %d, want %d", round, k, got, ps[len(ps)-1].val)
			}
			for q := int64(-1); q < 25; q++ {
				// The model: the last put at the greatest time <= q.
				var want *int64
				best := int64(-1 << 62)
				for i := range ps {
					if ps[i].ts <= q && ps[i].ts >= best {
						best, want = ps[i].ts, &ps[i].val
					}
				}
				got := s.AsOf(q)
				if (got == nil) != (want == nil) || got != nil && *got != *want {
					t.Fatalf("round %d snapshot %d: AsOf(%d) = %v, want %v", round, k, q, got, want)
				}
			}
		}
	}
}
