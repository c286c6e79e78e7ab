package jsonvariant

import (
	"encoding/json"
	"math/rand/v2"
	"strings"
	"testing"
)

// TestWrite: every spelling Write makes is valid JSON on one line that encoding/json reads as the same value as
// the compact one.
func TestWrite(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 5000; i++ {
		v := Random(rng, 4)
		compact := Compact(v)
		want, err := Decode(compact)
		if err != nil {
			t.Fatalf("Compact wrote invalid JSON: %v\n%s", err, compact)
		}
		line := Write(rng, v, RandomStyle(rng))
		if strings.ContainsRune(line, '\n') {
			t.Fatalf("a line feed in %q", line)
		}
		got, err := Decode(line)
		if err != nil {
			t.Fatalf("Write wrote invalid JSON: %v\n%q\ncompact: %q", err, line, compact)
		}
		if !Same(got, want) {
			t.Fatalf("Write changed the value:\n%q\ncompact: %q", line, compact)
		}
	}
}

// TestRespell: a respelled number has the same value.
func TestRespell(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for i := 0; i < 20000; i++ {
		n := RandomNumber(rng)
		r := Respell(rng, n)
		if !json.Valid([]byte(r)) || !Same(json.Number(n), json.Number(r)) {
			t.Fatalf("Respell(%s) = %s", n, r)
		}
	}
}

// TestCorrupt: every fault makes the line invalid for encoding/json (except a lone surrogate, which it reads as
// U+FFFD), and the line up to the fault's offset is where the fault starts: the text before it is unchanged.
func TestCorrupt(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	counts := make([]int, numFaults)
	for i := 0; i < 3000; i++ {
		members := make([]Member, 1+rng.IntN(4))
		for k := range members {
			members[k] = Member{Key: RandomString(rng, 4), Value: Random(rng, 3)}
		}
		v := Object(members...)
		for _, f := range Faults {
			line, at, ok := Corrupt(rng, v, RandomStyle(rng), f)
			if !ok {
				continue
			}
			counts[f]++
			if at < 0 || at > len(line) || strings.ContainsRune(line, '\n') {
				t.Fatalf("%v: offset %d in %q", f, at, line)
			}
			if valid := json.Valid([]byte(line)); valid != (f == LoneSurrogate) {
				t.Fatalf("%v: json.Valid = %v for %q", f, valid, line)
			}
		}
	}
	for f, n := range counts {
		if n < 100 {
			t.Errorf("%v: only %d corrupted lines", Fault(f), n)
		}
	}
}
