// Conversion of participle's parse trees into the AST.
package grammar

import (
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
	return &TypeName{node: spanOf(t.Pos, t.EndPos), Name: name, Args: t.Args}
}

func convertSelect(s *pSelect) *Select {
	out := &Select{node: spanOf(s.Pos, s.EndPos), Distinct: s.Distinct, With: convertWith(s.With)}
	for _, it := range s.Items {
		item := &SelectItem{node: spanOf(it.Pos, it.EndPos), Star: it.Star, Alias: convertIdent(it.Alias)}
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
		if j.On != nil {
			jn.On = convertExpr(j.On)
			jn.span.End = posOf(j.On.EndPos)
		}
		out.Joins = append(out.Joins, jn)
	}
	if s.Where != nil {
		out.Where = convertExpr(s.Where)
	}
	for _, c := range s.Clauses {
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
				w.Args = append(w.Args, convertExpr(a))
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
			o := &OrderBy{node: n}
			for _, e := range c.OrderBy {
				o.Exprs = append(o.Exprs, convertExpr(e.Expr))
			}
			if out.OrderBy != nil {
				out.Repeated = append(out.Repeated, o)
			} else {
				out.OrderBy = o
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
		case t.IsNull != nil:
			x = &IsNull{node: spanOf(e.Pos, t.IsNull.EndPos), X: x, Not: t.IsNull.Not}
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
		return &Interval{node: n, Value: unquoteString(p.Interval.Value), Unit: strings.ToUpper(p.Interval.Unit)}
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
		return &Cast{node: n, X: convertExpr(p.Cast.Expr), Type: convertType(p.Cast.Type)}
	case p.Extract != nil:
		return &Extract{node: n, Part: convertIdent(p.Extract.Part), X: convertExpr(p.Extract.From)}
	case p.Subquery != nil:
		return &Subquery{node: n, Query: convertSelect(p.Subquery)}
	case p.Paren != nil:
		return &Paren{node: n, X: convertExpr(p.Paren)}
	case p.Call != nil:
		c := &Call{node: n, Name: convertIdent(p.Call.Name), Star: p.Call.Star, Distinct: p.Call.Distinct}
		for _, a := range p.Call.Args {
			c.Args = append(c.Args, convertExpr(a))
		}
		if p.Call.Over != nil {
			sp := Span{Start: posOf(p.Call.Over.Pos), End: posOf(p.EndPos)}
			c.Over = &sp
		}
		return c
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
