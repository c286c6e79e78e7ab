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
