// Tests that every AST node carries a real span inside the source it came from.
package grammar

import (
	"fmt"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

var (
	nodeType = reflect.TypeFor[Node]()
	spanType = reflect.TypeFor[Span]()
)

// isNil reports whether n is nil or a typed nil pointer.
func isNil(n Node) bool {
	if n == nil {
		return true
	}
	v := reflect.ValueOf(n)
	return v.Kind() == reflect.Pointer && v.IsNil()
}

// walk calls f for n and, depth first, for every node reachable from its exported fields. It uses reflection so a
// field added to ast.go is walked without changing the test. Extra Span fields (KeySpan, ValueSpan, Call.Over) are
// reported to fs with their parent.
func walk(n Node, f func(n, parent Node), fs func(name string, s Span, parent Node)) {
	var visit func(n, parent Node)
	visit = func(n, parent Node) {
		if isNil(n) {
			return
		}
		f(n, parent)
		v := reflect.ValueOf(n)
		if v.Kind() == reflect.Pointer {
			v = v.Elem()
		}
		if v.Kind() != reflect.Struct {
			return
		}
		t := v.Type()
		for i := range t.NumField() {
			sf := t.Field(i)
			if !sf.IsExported() {
				continue
			}
			fv := v.Field(i)
			name := t.Name() + "." + sf.Name
			switch {
			case sf.Type == spanType:
				fs(name, fv.Interface().(Span), n)
			case sf.Type.Kind() == reflect.Pointer && sf.Type.Elem() == spanType:
				if !fv.IsNil() {
					fs(name, *fv.Interface().(*Span), n)
				}
			case sf.Type.Implements(nodeType):
				if !fv.IsNil() {
					visit(fv.Interface().(Node), n)
				}
			case sf.Type.Kind() == reflect.Slice && sf.Type.Elem().Implements(nodeType):
				for j := range fv.Len() {
					if e := fv.Index(j); !e.IsNil() {
						visit(e.Interface().(Node), n)
					}
				}
			}
		}
	}
	visit(n, nil)
}

// posAt computes the position of a byte offset in src the way Pos documents it: 1-based line, 1-based column
// counted in runes.
func posAt(src []byte, off int) (line, col int) {
	line, col = 1, 1
	for i := 0; i < off && i < len(src); {
		r, size := utf8.DecodeRune(src[i:])
		if r == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
		i += size
	}
	return line, col
}

// checkPos returns a description of what is wrong with p, or "".
func checkPos(src []byte, file string, p Pos) string {
	if !p.IsValid() {
		return "invalid position"
	}
	if p.File != file {
		return fmt.Sprintf("file %q, want %q", p.File, file)
	}
	if p.Offset < 0 || p.Offset > len(src) {
		return fmt.Sprintf("offset %d outside [0, %d]", p.Offset, len(src))
	}
	if line, col := posAt(src, p.Offset); line != p.Line || col != p.Col {
		return fmt.Sprintf("line:col %d:%d, want %d:%d for offset %d", p.Line, p.Col, line, col, p.Offset)
	}
	return ""
}

// spanProblems lists every node whose span is invalid, outside src, reversed or not inside its parent's span.
func spanProblems(s *Script, file string) []string {
	var out []string
	check := func(what string, sp Span, parent Node) {
		for _, p := range []struct {
			name string
			pos  Pos
		}{{"start", sp.Start}, {"end", sp.End}} {
			if msg := checkPos(s.Src, file, p.pos); msg != "" {
				out = append(out, fmt.Sprintf("%s %s %v: %s", what, p.name, p.pos, msg))
			}
		}
		if sp.Start.Offset > sp.End.Offset {
			out = append(out, fmt.Sprintf("%s: start %v after end %v", what, sp.Start, sp.End))
		}
		if parent != nil {
			ps := parent.Span()
			if sp.Start.Offset < ps.Start.Offset || sp.End.Offset > ps.End.Offset {
				out = append(out, fmt.Sprintf("%s [%d,%d) not inside its parent %T [%d,%d)",
					what, sp.Start.Offset, sp.End.Offset, parent, ps.Start.Offset, ps.End.Offset))
			}
		}
	}
	for _, st := range s.Statements {
		walk(st,
			func(n, parent Node) {
				what := fmt.Sprintf("%T %q", n, text(s.Src, n.Span()))
				check(what, n.Span(), parent)
			},
			func(name string, sp Span, parent Node) {
				if sp == (Span{}) {
					return // an absent optional span, such as KeySpan without a PRIMARY KEY constraint
				}
				check(fmt.Sprintf("%s %q", name, text(s.Src, sp)), sp, parent)
			})
	}
	return out
}

// text returns the source a span covers, or "" when the span is out of range.
func text(src []byte, sp Span) string {
	if sp.Start.Offset < 0 || sp.End.Offset > len(src) || sp.Start.Offset > sp.End.Offset {
		return ""
	}
	return string(src[sp.Start.Offset:sp.End.Offset])
}

func TestSpans(t *testing.T) {
	for _, src := range spanCorpus {
		s, err := Parse("q.sql", []byte(src))
		if err != nil {
			t.Errorf("Parse(%q): %v", src, err)
			continue
		}
		if s.File != "q.sql" {
			t.Errorf("Parse(%q).File = %q, want q.sql", src, s.File)
		}
		for _, p := range spanProblems(s, "q.sql") {
			t.Errorf("%q: %s", src, p)
		}
	}
}

// TestSpanText checks that spans cover exactly the source of their node: no trailing blanks or comments, the
// parentheses of a Paren, the whole of a CASE.
func TestSpanText(t *testing.T) {
	src := "SELECT -(a + b) AS x, CASE WHEN a THEN 1 END  /* c */ , SUM(x) OVER (PARTITION BY y) FROM t -- tail\n" +
		"WHERE a BETWEEN 1 AND 2 WINDOW TUMBLING(ts, 1m) ;\n" +
		"CREATE TABLE k (id INT, PRIMARY KEY (id)) WITH ('out.path' = 'x');"
	s, err := Parse("q.sql", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	sel := s.Statements[0].(*SelectStmt)
	q := sel.Query
	cs := s.Statements[1].(*CreateSource)
	for _, tt := range []struct {
		name string
		sp   Span
		want string
	}{
		{"statement", sel.Span(), src[:strings.Index(src, " ;")]},
		{"item 0", q.Items[0].Span(), "-(a + b) AS x"},
		{"unary", q.Items[0].Expr.Span(), "-(a + b)"},
		{"paren", q.Items[0].Expr.(*Unary).X.Span(), "(a + b)"},
		{"case", q.Items[1].Span(), "CASE WHEN a THEN 1 END"},
		{"when", q.Items[1].Expr.(*Case).Whens[0].Span(), "WHEN a THEN 1"},
		{"call", q.Items[2].Expr.Span(), "SUM(x) OVER (PARTITION BY y)"},
		{"over", q.Items[2].Expr.(*Call).Over.Span(), "OVER (PARTITION BY y)"},
		{"from", q.From.Span(), "t"},
		{"where", q.Where.Span(), "a BETWEEN 1 AND 2"},
		{"window", q.Window.Span(), "WINDOW TUMBLING(ts, 1m)"},
		{"window kind", q.Window.Kind.Span(), "TUMBLING"},
		{"create", cs.Span(), "CREATE TABLE k (id INT, PRIMARY KEY (id)) WITH ('out.path' = 'x')"},
		{"column", cs.Columns[0].Span(), "id INT"},
		{"key", cs.KeySpan, "PRIMARY KEY (id)"},
		{"prop", cs.With[0].Span(), "'out.path' = 'x'"},
		{"prop value", cs.With[0].ValueSpan, "'x'"},
	} {
		if got := text(s.Src, tt.sp); got != tt.want {
			t.Errorf("%s: span covers %q, want %q", tt.name, got, tt.want)
		}
	}
}

// TestRuneColumns checks that columns count runes, not bytes.
func TestRuneColumns(t *testing.T) {
	src := "SELECT 'é', '日本', -- 日本語\n" +
		"  /* é */ '日本' || price AS p FROM t"
	s, err := Parse("q.sql", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	items := s.Statements[0].(*SelectStmt).Query.Items
	if got, want := items[1].Expr.Span().Start, (Pos{File: "q.sql", Offset: 13, Line: 1, Col: 13}); got != want {
		t.Errorf("'日本' starts at %+v, want %+v", got, want)
	}
	if got, want := items[1].Expr.Span().End.Col, 17; got != want {
		t.Errorf("'日本' ends at column %d, want %d", got, want)
	}
	col := items[2].Expr.(*Binary).R.(*Column)
	// "  /* é */ '日本' || " is 18 runes, so price is at column 19.
	if got := col.Span().Start; got.Line != 2 || got.Col != 19 {
		t.Errorf("price starts at %d:%d, want 2:20", got.Line, got.Col)
	}
	if got := col.Span().End; got.Line != 2 || got.Col != 24 {
		t.Errorf("price ends at %d:%d, want 2:25", got.Line, got.Col)
	}
	for _, p := range spanProblems(s, "q.sql") {
		t.Error(p)
	}
}

// TestSpanTextOver checks the spans of the window, OVER and function forms: each covers exactly its source, the
// implicit CURRENT ROW end of a short frame covers the frame, and a rewritten call's name covers the word written.
func TestSpanTextOver(t *testing.T) {
	src := "SELECT AVG(p) OVER (ROWS WINDOW BUFFER 100 ROWS PARTITION BY s ORDER BY ts DESC NULLS FIRST " +
		"ROWS BETWEEN 19 PRECEDING AND CURRENT ROW EMIT ON BUFFER FULL EXPIRE AFTER INTERVAL '5' MINUTE INACTIVITY),\n" +
		"  SUM(x) OVER (ROWS 3 PRECEDING), PERCENTILE_CONT(0.9) WITHIN GROUP (ORDER BY x),\n" +
		"  a IS NOT DISTINCT FROM b, CURRENT_TIMESTAMP, EXTRACT('year', ts), CAST(x, 'decimal(10, 2)'),\n" +
		"  POSITION('a' IN s), TRIM(LEADING 'x' FROM s), LEFT(s, 2), INTERVAL '5 minutes'\n" +
		"FROM t WINDOW TUMBLING (SIZE 1 MINUTE, GRACE PERIOD 10 SECONDS) WHERE a ORDER BY a NULLS LAST"
	s, err := Parse("q.sql", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	q := s.Statements[0].(*SelectStmt).Query
	item := func(i int) Expr { return q.Items[i].Expr }
	over := item(0).(*Call).Over
	short := item(1).(*Call).Over.Frame
	trim := item(8).(*Call)
	for _, tt := range []struct {
		name string
		sp   Span
		want string
	}{
		{"call with over", item(0).Span(), src[7:strings.Index(src, ",\n")]},
		{"over", over.Span(), src[14:strings.Index(src, ",\n")]},
		{"buffer", over.Buffer.Span(), "ROWS WINDOW BUFFER 100 ROWS"},
		{"partition key", over.PartitionBy[0].Span(), "s"},
		{"order item", over.OrderBy[0].Span(), "ts DESC NULLS FIRST"},
		{"frame", over.Frame.Span(), "ROWS BETWEEN 19 PRECEDING AND CURRENT ROW"},
		{"frame start", over.Frame.Start.Span(), "19 PRECEDING"},
		{"frame start offset", over.Frame.Start.Offset.Span(), "19"},
		{"frame end", over.Frame.End.Span(), "CURRENT ROW"},
		{"over emit", over.Emit.Span(), "EMIT ON BUFFER FULL"},
		{"expire", over.Expire.Span(), "EXPIRE AFTER INTERVAL '5' MINUTE INACTIVITY"},
		{"expire interval", over.Expire.After.Span(), "INTERVAL '5' MINUTE"},
		{"short frame", short.Span(), "ROWS 3 PRECEDING"},
		{"short frame start", short.Start.Span(), "3 PRECEDING"},
		{"short frame implicit end", short.End.Span(), "ROWS 3 PRECEDING"},
		{"within group call", item(2).Span(), "PERCENTILE_CONT(0.9) WITHIN GROUP (ORDER BY x)"},
		{"within group", item(2).(*Call).WithinGroup.Span(), "WITHIN GROUP (ORDER BY x)"},
		{"within group item", item(2).(*Call).WithinGroup.OrderBy[0].Span(), "x"},
		{"is distinct", item(3).Span(), "a IS NOT DISTINCT FROM b"},
		{"is distinct y", item(3).(*IsDistinct).Y.Span(), "b"},
		{"current_timestamp", item(4).Span(), "CURRENT_TIMESTAMP"},
		{"current_timestamp name", item(4).(*Call).Name.Span(), "CURRENT_TIMESTAMP"},
		{"extract", item(5).Span(), "EXTRACT('year', ts)"},
		{"extract string part", item(5).(*Extract).Part.Span(), "'year'"},
		{"cast", item(6).Span(), "CAST(x, 'decimal(10, 2)')"},
		{"cast string type", item(6).(*Cast).Type.Span(), "'decimal(10, 2)'"},
		{"position", item(7).Span(), "POSITION('a' IN s)"},
		{"position haystack", item(7).(*Call).Args[1].Span(), "s"},
		{"trim", trim.Span(), "TRIM(LEADING 'x' FROM s)"},
		{"trim name", trim.Name.Span(), "TRIM"},
		{"trim source", trim.Args[0].Span(), "s"},
		{"trim characters", trim.Args[1].Span(), "'x'"},
		{"left", item(9).Span(), "LEFT(s, 2)"},
		{"left name", item(9).(*Call).Name.Span(), "LEFT"},
		{"interval string", item(10).Span(), "INTERVAL '5 minutes'"},
		{"ksql window", q.Window.Span(), "WINDOW TUMBLING (SIZE 1 MINUTE, GRACE PERIOD 10 SECONDS)"},
		{"window param", q.Window.Named[0].Span(), "SIZE 1 MINUTE"},
		{"window param value", q.Window.Named[0].Value.Span(), "1 MINUTE"},
		{"grace period", q.Window.Named[1].Span(), "GRACE PERIOD 10 SECONDS"},
		{"where after window", q.Where.Span(), "a"},
		{"order by", q.OrderBy.Span(), "ORDER BY a NULLS LAST"},
		{"order by item", q.OrderBy.Items[0].Span(), "a NULLS LAST"},
	} {
		if got := text(s.Src, tt.sp); got != tt.want {
			t.Errorf("%s: span covers %q, want %q", tt.name, got, tt.want)
		}
	}
	for _, p := range spanProblems(s, "q.sql") {
		t.Error(p)
	}
}
