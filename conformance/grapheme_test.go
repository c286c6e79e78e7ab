// TestGraphemeReverse: rt.Reverse against DuckDB's reverse for every code point in the contexts that decide the
// grapheme cluster rules, which the generated data cannot reach one by one.
package conformance

import (
	"database/sql"
	"fmt"
	"strings"
	"testing"

	"github.com/velocc/velocc/rt"
)

// graphemeContexts are strings with the code point under test at each "%c": after and before an ordinary letter,
// a mark, a ZWJ sequence, Hangul jamo and syllables, an Indic conjunct, regional indicators and CR.
var graphemeContexts = []string{
	"a%c", "%ca", "%c\u0301", "%c\u200d😀", "😀%c\u200d😀", "%c%c",
	"\u1100%c", "%c\u1100", "%c\u1161", "%c\u11a8", "\u1161%c", "\u11a8%c", "\uac00%c", "\uac01%c",
	"क्%c", "क%c्क", "क्%cक", "क%cक", "🇫%c", "🇫🇷%c", "%c🇫", "\r%c", "%c\r",
}

// TestGraphemeReverse compares rt.Reverse with DuckDB's reverse over graphemeContexts for every code point of the
// planes with assigned marks and symbols (0 through U+1FFFF and plane 14); the other planes hold only letters and
// unassigned code points, which are ordinary.
func TestGraphemeReverse(t *testing.T) {
	db, err := sql.Open("duckdb", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	// One row per code point: the reversed contexts joined by a byte that no context holds.
	var parts []string
	for _, c := range graphemeContexts {
		parts = append(parts, fmt.Sprintf("reverse(replace('%s', '%%c', chr(c::INTEGER)))", c))
	}
	q := "SELECT c::INTEGER, " + strings.Join(parts, " || chr(1) || ") +
		" FROM range(0, 1114112) t(c) WHERE (c < 55296 OR c > 57343) AND (c < 131072 OR c BETWEEN 917504 AND 921599) ORDER BY c"
	rows, err := db.Query(q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n, bad := 0, 0
	for rows.Next() {
		var c int32
		var want string
		if err := rows.Scan(&c, &want); err != nil {
			t.Fatal(err)
		}
		n++
		got := make([]string, len(graphemeContexts))
		for i, ctx := range graphemeContexts {
			got[i] = rt.Reverse(strings.ReplaceAll(ctx, "%c", string(rune(c))))
		}
		if g := strings.Join(got, "\x01"); g != want {
			if bad++; bad <= 20 {
				t.Errorf("U+%04X: velocc %+q, DuckDB %+q", c, strings.Split(g, "\x01"), strings.Split(want, "\x01"))
			}
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if bad > 0 {
		t.Errorf("%d of %d code points differ", bad, n)
	}
	if n < 130000 {
		t.Fatalf("only %d code points compared", n)
	}
}
