package rt

import (
	"errors"
	"fmt"
	"math"
	"slices"
	"testing"
)

type sumState struct {
	n   int64
	sum int64
}

func TestGroupsInsertionOrder(t *testing.T) {
	g := NewGroups[string, sumState]()
	input := []struct {
		k string
		v int64
	}{{"b", 1}, {"a", 2}, {"b", 3}, {"c", 4}, {"a", 5}, {"b", 6}}
	var created []string
	for _, in := range input {
		s, isNew := g.Get(in.k)
		if isNew {
			created = append(created, in.k)
		}
		s.n++
		s.sum += in.v
	}
	if !slices.Equal(created, []string{"b", "a", "c"}) {
		t.Errorf("created %v", created)
	}
	if g.Len() != 3 {
		t.Errorf("Len = %d", g.Len())
	}
	var got []string
	err := g.Each(func(k *string, s *sumState) error {
		got = append(got, fmt.Sprintf("%s:%d/%d", *k, s.n, s.sum))
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"b:3/10", "a:2/7", "c:1/4"}; !slices.Equal(got, want) {
		t.Errorf("Each visited %v, want %v", got, want)
	}

	stop := errors.New("stop")
	visited := 0
	if err := g.Each(func(*string, *sumState) error { visited++; return stop }); err != stop || visited != 1 {
		t.Errorf("Each did not stop at the first error: %v after %d", err, visited)
	}
}

func TestGroupsManyKeysStayOrdered(t *testing.T) {
	type key struct {
		sym  string
		side int8
	}
	g := NewGroups[key, int]()
	for i := range 10000 {
		s, _ := g.Get(key{fmt.Sprint(i % 2500), int8(i % 2)})
		*s += i
	}
	i := 0
	g.Each(func(k *key, s *int) error {
		if want := (key{fmt.Sprint(i), int8(i % 2)}); *k != want {
			t.Fatalf("group %d is %v, want %v", i, *k, want)
		}
		i++
		return nil
	})
	if i != 2500 {
		t.Errorf("visited %d groups", i)
	}
}

type closed struct {
	start int64
	key   string
	sum   int64
}

func collect(out *[]closed) func(int64, *string, *sumState) error {
	return func(start int64, k *string, s *sumState) error {
		*out = append(*out, closed{start, *k, s.sum})
		return nil
	}
}

func TestWindowsCloseUpTo(t *testing.T) {
	const size = 10
	w := NewWindows[string, sumState](size)
	events := []struct {
		ts int64
		k  string
	}{{25, "b"}, {3, "x"}, {21, "a"}, {12, "b"}, {29, "b"}, {-1, "neg"}, {10, "a"}, {19, "a"}}
	for _, e := range events {
		s, _ := w.Get(TumbleStart(e.ts, size), e.k)
		s.sum += e.ts
	}
	if w.Open() != 4 {
		t.Fatalf("Open = %d, want 4 windows (-10, 0, 10, 20)", w.Open())
	}

	var got []closed
	// A watermark inside window [0,10) closes only [-10,0).
	if err := w.CloseUpTo(9, collect(&got)); err != nil {
		t.Fatal(err)
	}
	if want := []closed{{-10, "neg", -1}}; !slices.Equal(got, want) {
		t.Errorf("CloseUpTo(9) = %v, want %v", got, want)
	}
	// A window closes exactly when the watermark reaches its end.
	got = nil
	w.CloseUpTo(20, collect(&got))
	if want := []closed{{0, "x", 3}, {10, "b", 12}, {10, "a", 29}}; !slices.Equal(got, want) {
		t.Errorf("CloseUpTo(20) = %v, want %v", got, want)
	}
	if w.Open() != 1 {
		t.Errorf("Open = %d after closing, want 1", w.Open())
	}
	got = nil
	w.CloseUpTo(20, collect(&got))
	if len(got) != 0 {
		t.Errorf("closing again emitted %v", got)
	}

	// A reopened old window (a late record the job chose to keep) sorts first.
	s, _ := w.Get(0, "late")
	s.sum = 7
	got = nil
	w.CloseAll(collect(&got))
	if want := []closed{{0, "late", 7}, {20, "b", 54}, {20, "a", 21}}; !slices.Equal(got, want) {
		t.Errorf("CloseAll = %v, want %v", got, want)
	}
	if w.Open() != 0 {
		t.Errorf("Open = %d after CloseAll", w.Open())
	}
}

func TestWindowsExtremes(t *testing.T) {
	w := NewWindows[int, int](1000)
	w.Get(math.MaxInt64-500, 1) // its end would overflow int64
	w.Get(-5000, 2)
	n := 0
	count := func(int64, *int, *int) error { n++; return nil }
	w.CloseUpTo(math.MinInt64, count)
	if n != 0 {
		t.Errorf("the initial watermark closed %d windows", n)
	}
	w.CloseUpTo(0, count)
	if n != 1 || w.Open() != 1 {
		t.Errorf("closed %d, open %d; want 1 and 1", n, w.Open())
	}
	w.CloseUpTo(math.MaxInt64, count)
	if n != 2 || w.Open() != 0 {
		t.Errorf("closed %d, open %d; want 2 and 0", n, w.Open())
	}
}

func TestWindowsCloseError(t *testing.T) {
	w := NewWindows[string, sumState](10)
	w.Get(0, "a")
	w.Get(10, "b")
	boom := errors.New("boom")
	if err := w.CloseUpTo(100, func(int64, *string, *sumState) error { return boom }); err != boom {
		t.Errorf("err = %v", err)
	}
	if w.Open() != 1 {
		t.Errorf("Open = %d: the failing window should be gone and the next kept", w.Open())
	}
}

func TestWatermark(t *testing.T) {
	wm := NewWatermark(5)
	if wm.Current() != math.MinInt64 {
		t.Fatalf("initial watermark %d", wm.Current())
	}
	steps := []struct {
		ts       int64
		advanced bool
		current  int64
	}{
		{100, true, 95},
		{98, false, 95}, // out of order, within bounds
		{101, true, 96},
		{90, false, 96}, // late
		{101, false, 96},
		{200, true, 195},
	}
	for _, s := range steps {
		if adv := wm.Observe(s.ts); adv != s.advanced || wm.Current() != s.current {
			t.Errorf("Observe(%d) = %v, Current %d; want %v, %d", s.ts, adv, wm.Current(), s.advanced, s.current)
		}
	}
	low := NewWatermark(1000)
	if low.Observe(math.MinInt64+10) || low.Current() != math.MinInt64 {
		t.Errorf("a watermark below MinInt64 must saturate, got %d", low.Current())
	}
}

func TestDistinct(t *testing.T) {
	var d Distinct[string] // the zero value is ready, so it can live in a state struct
	adds := []string{"a", "b", "a", "c", "b"}
	var news []bool
	for _, v := range adds {
		news = append(news, d.Add(v))
	}
	if want := []bool{true, true, false, true, false}; !slices.Equal(news, want) || d.Len() != 3 {
		t.Errorf("Add = %v, Len %d", news, d.Len())
	}
}
