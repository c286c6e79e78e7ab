package rt

import (
	"slices"
	"testing"
	"time"
)

// TestHold: a key's records leave together, in arrival order, once the table has the key; others leave when they
// have waited the timeout, and not before; nothing is looked up while the table has not changed and no time is up.
func TestHold(t *testing.T) {
	clock := time.Unix(0, 0)
	h := NewHold[string, int](10_000, nil, nil)
	h.now = func() time.Time { return clock }
	have := map[string]bool{}
	var out []int
	var expired []bool
	lookups := 0
	ready := func(k string) bool { lookups++; return have[k] }
	release := func(changes uint64) {
		t.Helper()
		if err := h.Release(changes, ready, func(r *int, exp bool) error {
			out, expired = append(out, *r), append(expired, exp)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	for i, k := range []string{"a", "b", "a", "c"} {
		v := i + 1
		h.Add(k, &v)
		clock = clock.Add(time.Second)
	}
	if !h.Held("a") || h.Held("x") || h.Len() != 4 {
		t.Fatalf("Held/Len wrong: %v %v %d", h.Held("a"), h.Held("x"), h.Len())
	}
	release(0)
	if lookups != 0 || len(out) != 0 {
		t.Fatalf("looked up %d keys, released %v, without a change", lookups, out)
	}
	have["a"] = true
	release(1)
	if !slices.Equal(out, []int{1, 3}) || slices.Contains(expired, true) {
		t.Fatalf("after a appeared: released %v (expired %v), want [1 3] not expired", out, expired)
	}
	clock = time.Unix(11, 0) // b (held at 1 s) has waited 10 s; c (held at 3 s) has not
	release(1)
	if !slices.Equal(out, []int{1, 3, 2}) || !expired[2] {
		t.Fatalf("after b's timeout: released %v (expired %v)", out, expired)
	}
	var rest []int
	if err := h.All(func(r *int) error { rest = append(rest, *r); return nil }); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(rest, []int{4}) || h.Len() != 0 || h.Held("c") {
		t.Fatalf("All released %v, Len %d", rest, h.Len())
	}
}
