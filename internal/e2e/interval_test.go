package e2e

import (
	"fmt"
	"math/rand/v2"
	"os"
	"strings"
	"syscall"
	"testing"
)

// Joins of two streams, each read by a goroutine of its own, of every kind: the job is built with the race
// detector, and its rows must be the SQL join of the two files whatever the interleaving (no record is late: the
// out-of-orderness allowed exceeds the files' disorder).
const intervalSQL = `
CREATE STREAM l (k VARCHAR, v BIGINT, ts TIMESTAMP)
  WITH ('path' = 'l.jsonl', 'event.time.field' = 'ts', 'watermark.max_out_of_orderness' = '3s');
CREATE STREAM r (k VARCHAR, w BIGINT, ts TIMESTAMP)
  WITH ('path' = 'r.jsonl', 'event.time.field' = 'ts', 'watermark.max_out_of_orderness' = '3s');

CREATE STREAM inner_j AS
SELECT l.k, l.v, r.w, l.ts AS lts, r.ts AS rts
FROM l JOIN r ON l.k = r.k AND r.ts BETWEEN l.ts - INTERVAL '2' SECOND AND l.ts + INTERVAL '1' SECOND
WITH ('inner_j.path' = 'inner.jsonl');

CREATE STREAM left_j AS
SELECT l.k, l.v, r.w, l.ts AS lts, r.ts AS rts
FROM l LEFT JOIN r WITHIN (2 SECONDS, 1 SECOND) ON l.k = r.k AND r.w > l.v
WITH ('left_j.path' = 'left.jsonl');

CREATE STREAM right_j AS
SELECT r.k, l.v, r.w, l.ts AS lts, r.ts AS rts
FROM l RIGHT JOIN r WITHIN 1500 MILLISECONDS ON l.k = r.k
WITH ('right_j.path' = 'right.jsonl');

CREATE STREAM full_j AS
SELECT l.k AS lk, r.k AS rk, l.v, r.w, l.ts AS lts, r.ts AS rts
FROM l FULL OUTER JOIN r ON r.k = l.k AND r.ts >= l.ts AND r.ts < l.ts + INTERVAL '3' SECOND AND l.v + r.w < 150
WITH ('full_j.path' = 'full.jsonl');
`

func init() { jobScripts["interval"+RaceSuffix] = intervalSQL }

type ijRec struct {
	k  *string
	v  int64
	ts int64
}

func genIJ(rng *rand.Rand, n int, step int64) []ijRec {
	keys := []string{"a", "b", "c", "d", "e"}
	out := make([]ijRec, n)
	for i := range out {
		var k *string
		if rng.IntN(20) > 0 {
			k = &keys[rng.IntN(len(keys))]
		}
		out[i] = ijRec{k: k, v: int64(rng.IntN(100)), ts: T0 + int64(i)*step + rng.Int64N(2500)}
	}
	return out
}

func TestIntervalJoinKinds(t *testing.T) {
	needBuild(t)
	rng := rand.New(rand.NewPCG(21, 0))
	ls, rs := genIJ(rng, 1500, 40), genIJ(rng, 1200, 50)
	dir := t.TempDir()
	write := func(name, field string, recs []ijRec) {
		var b strings.Builder
		for _, x := range recs {
			k := "null"
			if x.k != nil {
				k = fmt.Sprintf("%q", *x.k)
			}
			fmt.Fprintf(&b, "{\"k\":%s,\"%s\":%d,\"ts\":%d}\n", k, field, x.v, x.ts)
		}
		writeFile(t, dir, name, []byte(b.String()))
	}
	write("l.jsonl", "v", ls)
	write("r.jsonl", "w", rs)

	str := func(p *string) string {
		if p == nil {
			return "null"
		}
		return fmt.Sprintf("%q", *p)
	}
	num := func(x *ijRec, f func(*ijRec) int64) string {
		if x == nil {
			return "null"
		}
		return fmt.Sprint(f(x))
	}
	val := func(x *ijRec) int64 { return x.v }
	ts := func(x *ijRec) int64 { return x.ts }
	key := func(x *ijRec) *string {
		if x == nil {
			return nil
		}
		return x.k
	}
	// join computes the SQL join of ls and rs under on, keeping the unmatched rows of the outer sides, and
	// formats each row.
	join := func(on func(l, r *ijRec) bool, keepL, keepR bool, row func(l, r *ijRec) string) []string {
		var out []string
		matchedR := make([]bool, len(rs))
		for i := range ls {
			l := &ls[i]
			matched := false
			for j := range rs {
				r := &rs[j]
				if l.k != nil && r.k != nil && *l.k == *r.k && on(l, r) {
					out = append(out, row(l, r))
					matched, matchedR[j] = true, true
				}
			}
			if !matched && keepL {
				out = append(out, row(l, nil))
			}
		}
		if keepR {
			for j := range rs {
				if !matchedR[j] {
					out = append(out, row(nil, &rs[j]))
				}
			}
		}
		return out
	}
	five := func(k *string) func(l, r *ijRec) string {
		return func(l, r *ijRec) string {
			kk := key(l)
			if k != nil {
				kk = key(r)
			}
			return fmt.Sprintf("{\"k\":%s,\"v\":%s,\"w\":%s,\"lts\":%s,\"rts\":%s}", str(kk), num(l, val), num(r, val), num(l, ts), num(r, ts))
		}
	}
	within := func(before, after int64) func(l, r *ijRec) bool {
		return func(l, r *ijRec) bool { return r.ts >= l.ts-before && r.ts <= l.ts+after }
	}
	wantInner := join(within(2000, 1000), false, false, five(nil))
	wantLeft := join(func(l, r *ijRec) bool { return within(2000, 1000)(l, r) && r.v > l.v }, true, false, five(nil))
	rightKey := "r"
	wantRight := join(within(1500, 1500), false, true, five(&rightKey))
	wantFull := join(func(l, r *ijRec) bool { return r.ts >= l.ts && r.ts < l.ts+3000 && l.v+r.v < 150 }, true, true,
		func(l, r *ijRec) string {
			return fmt.Sprintf("{\"lk\":%s,\"rk\":%s,\"v\":%s,\"w\":%s,\"lts\":%s,\"rts\":%s}", str(key(l)), str(key(r)), num(l, val), num(r, val), num(l, ts), num(r, ts))
		})

	res := runOK(t, "interval"+RaceSuffix, dir, "--bounded", "--progress", "0")
	for _, src := range []string{"l", "r"} {
		if line := statsLine(t, res.Stderr, src); !strings.HasSuffix(line, "bad 0, late 0") {
			t.Errorf("%s: %s; want no bad or late record", src, line)
		}
	}
	sameLines(t, "inner.jsonl", readFile(t, dir, "inner.jsonl"), wantInner)
	sameLines(t, "left.jsonl", readFile(t, dir, "left.jsonl"), wantLeft)
	sameLines(t, "right.jsonl", readFile(t, dir, "right.jsonl"), wantRight)
	sameLines(t, "full.jsonl", readFile(t, dir, "full.jsonl"), wantFull)
	if len(wantInner) < 100 || len(wantFull) < 100 {
		t.Fatalf("the data gives too few rows to test much: %d inner, %d full", len(wantInner), len(wantFull))
	}
}

// A LEFT join of two streams followed as their files grow: stream r has one record, then goes quiet; with
// 'idle.timeout' it stops holding the join's watermark back, so l's records that met nothing come out while the
// job runs, NULL-extended, without r ever reaching their time.
const intervalIdleSQL = `
CREATE STREAM l (k VARCHAR, v BIGINT, ts TIMESTAMP)
  WITH ('path' = 'l.jsonl', 'event.time.field' = 'ts');
CREATE STREAM r (k VARCHAR, w BIGINT, ts TIMESTAMP)
  WITH ('path' = 'r.jsonl', 'event.time.field' = 'ts', 'idle.timeout' = '300ms');
CREATE STREAM out AS SELECT l.k, l.v, r.w FROM l LEFT JOIN r WITHIN 1 SECOND ON l.k = r.k
WITH ('out.path' = 'out.jsonl');
`

func init() { jobScripts["interval_idle"] = intervalIdleSQL }

func TestIntervalJoinIdle(t *testing.T) {
	needBuild(t)
	dir := t.TempDir()
	writeFile(t, dir, "r.jsonl", []byte(`{"k":"a","w":7,"ts":1000}`+"\n"))
	var b strings.Builder
	for i := 0; i < 20; i++ {
		fmt.Fprintf(&b, "{\"k\":\"a\",\"v\":%d,\"ts\":%d}\n", i, 1000+int64(i)*1000)
	}
	writeFile(t, dir, "l.jsonl", []byte(b.String()))
	out := dir + "/out.jsonl"
	p := startJob(t, "interval_idle", "--progress", "0", "--source", "l=file:"+dir+"/l.jsonl",
		"--source", "r=file:"+dir+"/r.jsonl", "--sink", "out=file:"+out)
	// v 0 and 1 meet r's record (within a second of it); the later ones meet nothing, and come out once r is
	// idle and l's watermark (its last time, 20 s) has passed the end of their interval, their time plus 1 s:
	// up to v 17.
	want := map[string]bool{`{"k":"a","v":0,"w":7}`: true, `{"k":"a","v":1,"w":7}`: true}
	for v := 2; v <= 17; v++ {
		want[fmt.Sprintf(`{"k":"a","v":%d,"w":null}`, v)] = true
	}
	waitProgress(t, "the job writing l's unmatched rows while r is idle", p, func() (int64, bool) {
		data, _ := os.ReadFile(out)
		lines := strings.Split(strings.TrimSpace(string(data)), "\n")
		n := 0
		for _, line := range lines {
			if want[line] {
				n++
			}
		}
		return int64(n), n == len(want)
	})
	p.stop(t, syscall.SIGTERM)
	data, _ := os.ReadFile(out)
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		if !want[line] {
			t.Errorf("unexpected row %s", line)
		}
	}
}
