// Conversion of participle's parse trees into the AST.
package grammar

import (
	"fmt"
	"strings"

	"github.com/alecthomas/participle/v2/lexer"
)

func posOf(p lexer.Position) Pos {
	return Pos{File: p.Filename, Offset: p.Offset, Line: p.Line, Col: p.Column}
}

func spanOf(start, end lexer.Position) node {
	return node{span: Span{Start: posOf(start), End: posOf(end)}}
}

func convertScript(filename string, t *pScript, src []byte) *Script {
	s := &Script{File: filename, Src: src}
	for _, st := range t.Statements {
		switch {
		case st.Create != nil:
			s.Statements = append(s.Statements, convertCreate(st.Create))
		case st.Select != nil:
			s.Statements = append(s.Statements, &SelectStmt{node: spanOf(st.Pos, st.EndPos), Query: convertSelect(st.Select)})
		case st.Insert != nil:
			s.Statements = append(s.Statements, &Insert{node: spanOf(st.Pos, st.EndPos), Name: convertIdent(st.Insert.Name), With: convertWith(st.Insert.With), Query: convertSelect(st.Insert.Query)})
		case st.Other != nil:
			s.Statements = append(s.Statements, &Unsupported{node: spanOf(st.Pos, st.EndPos), Verb: strings.ToUpper(st.Other.Verb)})
		}
	}
	return s
}

func kindOf(s string) Kind {
	if strings.EqualFold(s, "TABLE") {
		return Table
	}
	return Stream
}

func convertCreate(c *pCreate) Stmt {
	n := spanOf(c.Pos, c.EndPos)
	if c.Query != nil {
		return &CreateAs{node: n, Kind: kindOf(c.Kind), Name: convertIdent(c.Name), Query: convertSelect(c.Query)}
	}
	cs := &CreateSource{node: n, Kind: kindOf(c.Kind), Name: convertIdent(c.Name)}
	if c.Columns != nil {
		for _, it := range c.Columns.Items {
			if it.Key != nil {
				cs.KeySpan = Span{Start: posOf(it.Key.Pos), End: posOf(it.Key.EndPos)}
				for _, id := range it.Key.Cols {
					cs.PrimaryKey = append(cs.PrimaryKey, convertIdent(id))
				}
				continue
			}
			d := it.Column
			cs.Columns = append(cs.Columns, &ColumnDef{
				node: spanOf(d.Pos, d.EndPos), Name: convertIdent(d.Name), Type: convertType(d.Type),
				NotNull: d.NotNull, PrimaryKey: d.PrimaryKey,
			})
		}
	}
	cs.With = convertWith(c.With)
	return cs
}

func convertWith(w *pWith) []*Prop {
	if w == nil {
		return nil
	}
	props := make([]*Prop, 0, len(w.Props))
	for _, p := range w.Props {
		props = append(props, &Prop{
			node:      spanOf(p.Pos, p.EndPos),
			Key:       unquoteString(p.Key),
			Value:     unquoteString(p.Value.Text),
			ValueSpan: Span{Start: posOf(p.Value.Pos), End: posOf(p.Value.EndPos)},
		})
	}
	return props
}

// unquoteString strips SQL single quotes and undoes the ” escape; other text is returned as is.
func unquoteString(s string) string {
	if len(s) >= 2 && s[0] == '\'' && s[len(s)-1] == '\'' {
		return strings.ReplaceAll(s[1:len(s)-1], "''", "'")
	}
	return s
}

func convertIdent(id *pIdent) *Ident {
	if id == nil {
		return nil
	}
	out := &Ident{node: spanOf(id.Pos, id.EndPos), Name: id.Name}
	if n := id.Name; len(n) >= 2 && (n[0] == '"' || n[0] == '`') {
		out.Quoted = true
		q := n[:1]
		out.Name = strings.ReplaceAll(n[1:len(n)-1], q+q, q)
	}
	return out
}

func convertType(t *pType) *TypeName {
	if t == nil {
		return nil
	}
	name := strings.ToUpper(t.Name)
	if t.Precision {
		name += " PRECISION"
	}
	out := &TypeName{node: spanOf(t.Pos, t.EndPos), Name: name, Dims: len(t.Dims)}
	for _, p := range t.Params {
		if p.Number != "" {
			out.Args = append(out.Args, p.Number)
			continue
		}
		tp := &TypeParam{node: spanOf(p.Pos, p.EndPos), Type: convertType(p.Type)}
		if p.Field != nil {
			tp.Field = convertIdent(p.Field)
		}
		out.Params = append(out.Params, tp)
	}
	return out
}

func convertSelect(s *pSelect) *Select {
	out := &Select{node: spanOf(s.Pos, s.EndPos), Distinct: s.Distinct, With: convertWith(s.With), Into: convertIdent(s.Into)}
	// A UNION's queries are listed on the first; the WITH after the last query is the statement's.
	for u := s.Union; u != nil; u = u.Select.Union {
		if !u.All {
			end := u.Pos
			end.Offset += len("UNION")
			end.Column += len("UNION")
			out.UnionDistinct = append(out.UnionDistinct, Span{Start: posOf(u.Pos), End: posOf(end)})
		}
		arm := convertSelect(&pSelect{Pos: u.Select.Pos, Distinct: u.Select.Distinct, Items: u.Select.Items, Into: u.Select.Into,
			From: u.Select.From, Joins: u.Select.Joins, Early: u.Select.Early, Where: u.Select.Where, Clauses: u.Select.Clauses, EndPos: u.Select.EndPos})
		out.Union = append(out.Union, arm)
		if u.Select.With != nil {
			out.With = append(out.With, convertWith(u.Select.With)...)
		}
	}
	for _, it := range s.Items {
		item := &SelectItem{node: spanOf(it.Pos, it.EndPos), Star: it.Star || it.StarOf != nil, StarOf: convertIdent(it.StarOf), Alias: convertIdent(it.Alias)}
		if it.Expr != nil {
			item.Expr = convertExpr(it.Expr)
		}
		out.Items = append(out.Items, item)
	}
	if s.From != nil {
		out.From = convertFrom(s.From)
	}
	for _, j := range s.Joins {
		jn := &Join{node: spanOf(j.Pos, j.Right.EndPos), Kind: strings.ToUpper(strings.Join(j.Kind, " ")), Right: convertFrom(j.Right)}
		if j.AsOf != nil {
			jn.AsOf = convertExpr(j.AsOf)
			if a := convertIdent(j.AsAlias); a != nil {
				jn.Right.Alias = a
				jn.Right.span.End = a.span.End // the relation as named, across the clause
			}
		}
		if w := j.Within; w != nil {
			jn.Within = &Within{node: spanOf(w.Pos, w.EndPos)}
			if w.Size != nil {
				jn.Within.Before, jn.Within.After = convertBareInterval(w.Size), convertBareInterval(w.Size)
			} else {
				jn.Within.Before, jn.Within.After = convertBareInterval(w.Before), convertBareInterval(w.After)
			}
			if w.Grace != nil {
				jn.Within.Grace = convertBareInterval(w.Grace)
			}
			jn.span.End = posOf(w.EndPos)
		}
		if j.On != nil {
			jn.On = convertExpr(j.On)
			jn.span.End = posOf(j.On.EndPos)
		}
		out.Joins = append(out.Joins, jn)
	}
	if s.Where != nil {
		out.Where = convertExpr(s.Where)
	}
	clauses := s.Clauses
	if s.Early != nil {
		clauses = append([]*pClause{s.Early}, clauses...)
	}
	for _, c := range clauses {
		n := spanOf(c.Pos, c.EndPos)
		switch {
		case c.GroupBy != nil:
			g := &GroupBy{node: n}
			for _, e := range c.GroupBy {
				g.Exprs = append(g.Exprs, convertExpr(e))
			}
			if out.GroupBy != nil {
				out.Repeated = append(out.Repeated, g)
			} else {
				out.GroupBy = g
			}
		case c.Having != nil:
			h := &Having{node: n, Cond: convertExpr(c.Having)}
			if out.Having != nil {
				out.Repeated = append(out.Repeated, h)
			} else {
				out.Having = h
			}
		case c.Window != nil:
			w := &Window{node: n, Kind: &Ident{node: spanOf(c.Window.Pos, c.Window.Pos), Name: strings.ToUpper(c.Window.Kind)}}
			w.Kind.span.End.Col += len([]rune(c.Window.Kind))
			w.Kind.span.End.Offset += len(c.Window.Kind)
			for _, a := range c.Window.Args {
				switch {
				case a.Value != nil: // not Param: participle keeps it from a branch that failed on the value
					name := strings.ToUpper(a.Param)
					var v Expr
					if a.Value.Bare != nil {
						v = convertBareInterval(a.Value.Bare)
					} else {
						v = convertPrimary(a.Value.Primary)
					}
					w.Named = append(w.Named, &WindowParam{node: spanOf(a.Pos, a.EndPos), Name: name, Value: v})
				case a.Bare != nil:
					w.Args = append(w.Args, convertBareInterval(a.Bare))
				default:
					w.Args = append(w.Args, convertExpr(a.Expr))
				}
			}
			if out.Window != nil {
				out.Repeated = append(out.Repeated, w)
			} else {
				out.Window = w
			}
		case c.Emit != "":
			e := &Emit{node: n, Final: strings.EqualFold(c.Emit, "FINAL")}
			if out.Emit != nil {
				out.Repeated = append(out.Repeated, e)
			} else {
				out.Emit = e
			}
		case c.OrderBy != nil:
			o := &OrderBy{node: n, Items: convertOrder(c.OrderBy)}
			if out.OrderBy != nil {
				out.Repeated = append(out.Repeated, o)
			} else {
				out.OrderBy = o
			}
		case c.Into != nil:
			if out.Into != nil {
				out.Repeated = append(out.Repeated, convertIdent(c.Into))
			} else {
				out.Into = convertIdent(c.Into)
			}
		case c.Limit != "":
			l := &Limit{node: n, N: c.Limit}
			if out.Limit != nil {
				out.Repeated = append(out.Repeated, l)
			} else {
				out.Limit = l
			}
		}
	}
	return out
}

func convertFrom(f *pFrom) *From {
	out := &From{node: spanOf(f.Pos, f.EndPos), Name: convertIdent(f.Name), Alias: convertIdent(f.Alias)}
	if f.Subquery != nil {
		out.Subquery = convertSelect(f.Subquery)
	}
	if f.Unnest != nil {
		out.Unnest = convertExpr(f.Unnest)
	}
	for _, c := range f.Columns {
		out.Columns = append(out.Columns, convertIdent(c))
	}
	return out
}

func convertExpr(e *pExpr) Expr {
	x := convertAnd(e.Left)
	for _, r := range e.Rest {
		x = &Binary{node: spanOf(e.Pos, r.EndPos), Op: "OR", L: x, R: convertAnd(r)}
	}
	return x
}

func convertAnd(e *pAnd) Expr {
	x := convertNot(e.Left)
	for _, r := range e.Rest {
		x = &Binary{node: spanOf(e.Pos, r.EndPos), Op: "AND", L: x, R: convertNot(r)}
	}
	return x
}

func convertNot(e *pNot) Expr {
	if e.Not != nil {
		return &Unary{node: spanOf(e.Pos, e.EndPos), Op: "NOT", X: convertNot(e.Not)}
	}
	return convertCmp(e.Cmp)
}

func convertCmp(e *pCmp) Expr {
	x := convertConcat(e.Left)
	for _, t := range e.Tails {
		switch {
		case t.Compare != nil:
			op := t.Compare.Op
			if op == "!=" {
				op = "<>"
			}
			x = &Binary{node: spanOf(e.Pos, t.Compare.Right.EndPos), Op: op, L: x, R: convertConcat(t.Compare.Right)}
		case t.Is != nil && t.Is.Distinct != nil:
			x = &IsDistinct{node: spanOf(e.Pos, t.Is.EndPos), X: x, Y: convertConcat(t.Is.Distinct), Not: t.Is.Not}
		case t.Is != nil:
			x = &IsNull{node: spanOf(e.Pos, t.Is.EndPos), X: x, Not: t.Is.Not}
		case t.Pred != nil:
			p := t.Pred
			n := spanOf(e.Pos, p.EndPos)
			switch {
			case p.InSub != nil:
				x = &In{node: n, X: x, Not: p.Not, Sub: convertSelect(p.InSub)}
			case p.In != nil:
				in := &In{node: n, X: x, Not: p.Not}
				for _, it := range p.In {
					in.List = append(in.List, convertExpr(it))
				}
				x = in
			case p.Low != nil:
				x = &Between{node: n, X: x, Low: convertConcat(p.Low), High: convertConcat(p.High), Not: p.Not}
			case p.Like != nil:
				x = &Like{node: n, X: x, Pattern: convertConcat(p.Like), Not: p.Not}
			}
		}
	}
	return x
}

func convertConcat(e *pConcat) Expr {
	x := convertAdd(e.Left)
	for _, r := range e.Rest {
		x = &Binary{node: spanOf(e.Pos, r.EndPos), Op: "||", L: x, R: convertAdd(r)}
	}
	return x
}

func convertAdd(e *pAdd) Expr {
	x := convertMul(e.Left)
	for _, r := range e.Rest {
		x = &Binary{node: spanOf(e.Pos, r.Right.EndPos), Op: r.Op, L: x, R: convertMul(r.Right)}
	}
	return x
}

func convertMul(e *pMul) Expr {
	x := convertUnary(e.Left)
	for _, r := range e.Rest {
		x = &Binary{node: spanOf(e.Pos, r.Right.EndPos), Op: r.Op, L: x, R: convertUnary(r.Right)}
	}
	return x
}

func convertUnary(e *pUnary) Expr {
	if e.Operand != nil {
		return &Unary{node: spanOf(e.Pos, e.EndPos), Op: e.Op, X: convertUnary(e.Operand)}
	}
	x := convertPrimary(e.Primary)
	for _, a := range e.Access {
		acc := &Access{node: spanOf(e.Pos, a.EndPos), X: x}
		switch {
		case a.Dot != nil:
			acc.Field = convertIdent(a.Dot)
		case a.Arrow != nil:
			acc.Field, acc.Arrow = convertIdent(a.Arrow), true
		default:
			acc.Index = convertExpr(a.Index)
		}
		x = acc
	}
	for _, t := range e.Casts {
		x = &Cast{node: spanOf(e.Pos, t.EndPos), X: x, Type: convertType(t)}
	}
	return x
}

func convertPrimary(p *pPrimary) Expr {
	n := spanOf(p.Pos, p.EndPos)
	switch {
	case p.Number != nil:
		return &Literal{node: n, Kind: LitNumber, Text: *p.Number}
	case p.String != nil:
		return &Literal{node: n, Kind: LitString, Text: unquoteString(*p.String)}
	case p.True:
		return &Literal{node: n, Kind: LitBool, Text: "true"}
	case p.False:
		return &Literal{node: n, Kind: LitBool, Text: "false"}
	case p.Null:
		return &Literal{node: n, Kind: LitNull, Text: "NULL"}
	case p.Duration != nil:
		return &Literal{node: n, Kind: LitDuration, Text: *p.Duration}
	case p.Interval != nil:
		return convertInterval(p.Interval)
	case p.TypedLit != nil:
		v := p.TypedLit.Value
		return &Cast{node: n, X: &Literal{node: spanOf(v.Pos, v.EndPos), Kind: LitString, Text: unquoteString(v.Text)}, Type: convertType(p.TypedLit.Type)}
	case p.Case != nil:
		c := &Case{node: n}
		if p.Case.Operand != nil {
			c.Operand = convertExpr(p.Case.Operand)
		}
		for _, w := range p.Case.Whens {
			c.Whens = append(c.Whens, &When{node: spanOf(w.Pos, w.Then.EndPos), Cond: convertExpr(w.Cond), Then: convertExpr(w.Then)})
		}
		if p.Case.Else != nil {
			c.Else = convertExpr(p.Case.Else)
		}
		return c
	case p.Cast != nil:
		c := &Cast{node: n, X: convertExpr(p.Cast.Expr)}
		if p.Cast.TypeStr != nil {
			c.Type = parseTypeString(p.Cast.TypeStr)
		} else {
			c.Type = convertType(p.Cast.Type)
		}
		return c
	case p.Extract != nil:
		part := convertIdent(p.Extract.Part)
		if ps := p.Extract.PartStr; ps != nil {
			part = &Ident{node: spanOf(ps.Pos, ps.EndPos), Name: unquoteString(ps.Text)}
		}
		return &Extract{node: n, Part: part, X: convertExpr(p.Extract.From)}
	case p.Subquery != nil:
		return &Subquery{node: n, Query: convertSelect(p.Subquery)}
	case p.Exists != nil:
		return &Subquery{node: n, Query: convertSelect(p.Exists), Exists: true}
	case p.Paren != nil:
		return &Paren{node: n, X: convertExpr(p.Paren)}
	case p.Array != nil:
		a := &ArrayLit{node: n}
		for _, e := range p.Array.Elems {
			a.Elems = append(a.Elems, convertExpr(e))
		}
		return a
	case p.Pack != nil:
		st := &StructLit{node: n}
		for _, kv := range p.Pack.Entries {
			id := convertIdent(kv.Name)
			col := &Column{node: id.node, Name: id}
			st.Keys = append(st.Keys, col)
			st.Values = append(st.Values, convertExpr(kv.Value))
		}
		return st
	case p.Struct != nil:
		st := &StructLit{node: n, Map: p.Struct.Map}
		for _, kv := range p.Struct.Entries {
			st.Keys = append(st.Keys, convertExpr(kv.Key))
			st.Values = append(st.Values, convertExpr(kv.Value))
		}
		return st
	case p.Call != nil:
		return convertCall(n, p.Call)
	case p.Now != nil:
		return &Call{node: n, Name: convertIdent(p.Now), NoParens: true}
	case p.Column != nil:
		c := &Column{node: n}
		if len(p.Column.Parts) == 2 {
			c.Qualifier = convertIdent(p.Column.Parts[0])
			c.Name = convertIdent(p.Column.Parts[1])
		} else {
			c.Name = convertIdent(p.Column.Parts[0])
		}
		return c
	}
	return &Literal{node: n, Kind: LitNull, Text: "NULL"}
}

// convertInterval splits INTERVAL '5 minutes' into value and unit, as DuckDB reads it.
func convertInterval(p *pInterval) *Interval {
	iv := &Interval{node: spanOf(p.Pos, p.EndPos), Value: unquoteString(p.Value), Unit: strings.ToUpper(p.Unit)}
	if iv.Unit == "" {
		if f := strings.Fields(iv.Value); len(f) == 2 && isDigits(f[0]) && isLetters(f[1]) {
			iv.Value, iv.Unit = f[0], strings.ToUpper(f[1])
		}
	}
	return iv
}

func isDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return s != ""
}

func isLetters(s string) bool {
	for _, r := range s {
		if (r < 'a' || r > 'z') && (r < 'A' || r > 'Z') {
			return false
		}
	}
	return s != ""
}

func convertBareInterval(b *pBareInterval) *Interval {
	return &Interval{node: spanOf(b.Pos, b.EndPos), Value: b.Value, Unit: strings.ToUpper(b.Unit)}
}

// ParseType reads a type written as in DDL, such as STRUCT(a INT, b VARCHAR[]), for types given outside SQL (YAML
// schemas).
func ParseType(text string) (*TypeName, error) {
	pt, err := typeParser.ParseString("", text)
	if err != nil {
		return nil, fmt.Errorf("%q is not a type: %v", text, err)
	}
	return convertType(pt), nil
}

// parseTypeString reads the type of CAST(x, 'type') with the type grammar. A string that is no type is kept whole,
// upper case, for the checker to report as an unknown type at the string.
func parseTypeString(s *pStr) (t *TypeName) {
	n := spanOf(s.Pos, s.EndPos)
	text := unquoteString(s.Text)
	fallback := &TypeName{node: n, Name: strings.ToUpper(strings.TrimSpace(text))}
	defer func() {
		if recover() != nil { // participle panics on some inputs; a bad type string is the checker's to report
			t = fallback
		}
	}()
	pt, err := typeParser.ParseString(s.Pos.Filename, text)
	if err != nil {
		return fallback
	}
	t = convertType(pt)
	t.node = n
	return t
}

func convertOrder(items []*pOrder) []*OrderItem {
	var out []*OrderItem
	for _, it := range items {
		o := &OrderItem{node: spanOf(it.Pos, it.EndPos), Expr: convertExpr(it.Expr), Desc: strings.EqualFold(it.Dir, "DESC")}
		if it.Nulls != "" {
			first := strings.EqualFold(it.Nulls, "FIRST")
			o.NullsFirst = &first
		}
		out = append(out, o)
	}
	return out
}

// convertCall turns the special argument syntaxes of TRIM and POSITION into ordinary arguments.
func convertCall(n node, p *pCall) *Call {
	c := &Call{node: n}
	switch {
	case p.Trim != nil:
		t := p.Trim
		c.Name = convertIdent(t.Name) // TRIM(s) and TRIM(s, chars) keep the name as written, as any call does
		switch {
		case t.SideFrom != nil:
			c.Name.Name = map[string]string{"LEADING": "LTRIM", "TRAILING": "RTRIM"}[strings.ToUpper(t.Side)]
			if c.Name.Name == "" {
				c.Name.Name = "TRIM"
			}
			if f := t.SideFrom; f.Src != nil {
				c.Args = []Expr{convertExpr(f.Src)}
			} else {
				c.Args = []Expr{convertExpr(f.CharsSrc), convertExpr(f.Chars)}
			}
		case t.Src != nil:
			c.Name.Name = "TRIM"
			c.Args = []Expr{convertExpr(t.Src)}
		case t.From != nil:
			c.Name.Name = "TRIM"
			c.Args = []Expr{convertExpr(t.From), convertExpr(t.First)}
		default:
			c.Args = []Expr{convertExpr(t.First)}
			for _, a := range t.More {
				c.Args = append(c.Args, convertExpr(a))
			}
		}
	case p.Position != nil:
		c.Name = convertIdent(p.Position.Name)
		c.Args = []Expr{convertExpr(p.Position.First)}
		if p.Position.In != nil {
			c.Args = append(c.Args, convertConcat(p.Position.In))
		}
		for _, a := range p.Position.More {
			c.Args = append(c.Args, convertExpr(a))
		}
	default:
		c.Name = convertIdent(&pIdent{Pos: p.Name.Pos, EndPos: p.Name.EndPos, Name: p.Name.Name})
		c.Star, c.Distinct = p.Star, p.Distinct
		for _, a := range p.Args {
			c.Args = append(c.Args, convertExpr(a))
		}
	}
	if w := p.Within; w != nil {
		c.WithinGroup = &WithinGroup{node: spanOf(w.Pos, w.EndPos), OrderBy: convertOrder(w.Items)}
	}
	if p.Over != nil {
		c.Over = convertOver(p.Over)
	}
	return c
}

func convertOver(p *pOver) *Over {
	o := &Over{node: spanOf(p.Pos, p.EndPos), OrderBy: convertOrder(p.OrderBy)}
	if b := p.Buffer; b != nil {
		o.Buffer = &BufferSpec{node: spanOf(b.Pos, b.EndPos), Rows: b.Rows}
	}
	for _, e := range p.Partition {
		o.PartitionBy = append(o.PartitionBy, convertExpr(e))
	}
	if f := p.Frame; f != nil {
		fr := &Frame{node: spanOf(f.Pos, f.EndPos), Unit: strings.ToUpper(f.Unit), Between: f.Start != nil}
		if fr.Between {
			fr.Start, fr.End = convertBound(f.Start), convertBound(f.End)
		} else {
			fr.Start = convertBound(f.Single)
			fr.End = &FrameBound{node: fr.node, Kind: CurrentRow}
		}
		o.Frame = fr
	}
	if e := p.Emit; e != nil {
		o.Emit = &OverEmit{node: spanOf(e.Pos, e.EndPos), BufferFull: e.BufferFull}
	}
	if e := p.Expire; e != nil {
		o.Expire = &Expire{node: spanOf(e.Pos, e.EndPos)}
		if e.After != nil {
			o.Expire.After = convertInterval(e.After)
		}
	}
	return o
}

func convertBound(b *pBound) *FrameBound {
	fb := &FrameBound{node: spanOf(b.Pos, b.EndPos)}
	following := strings.EqualFold(b.Unbounded, "FOLLOWING") || strings.EqualFold(b.Dir, "FOLLOWING")
	switch {
	case b.Unbounded != "" && following:
		fb.Kind = UnboundedFollowing
	case b.Unbounded != "":
		fb.Kind = UnboundedPreceding
	case b.Current:
		fb.Kind = CurrentRow
	case following:
		fb.Kind, fb.Offset = Following, convertConcat(b.Offset)
	default:
		fb.Kind, fb.Offset = Preceding, convertConcat(b.Offset)
	}
	return fb
}
