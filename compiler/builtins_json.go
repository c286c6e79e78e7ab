// JSON functions over VARCHAR: JSON_EXTRACT, JSON_VALUE and JSON_EXISTS with a constant path, parsed here into
// the steps rt walks (see rt/jsonpath.go).
package compiler

import (
	"fmt"
	"strconv"
	"strings"
)

var jsonBuiltins = []*builtin{
	{names: []string{"JSON_EXTRACT"}, check: func(b *binder) Expr {
		return checkJSON(b, TVarchar, rtOrNullError("json_extract", "JSONExtract"))
	}},
	{names: []string{"JSON_VALUE"}, check: func(b *binder) Expr {
		return checkJSON(b, TVarchar, rtOrNullError("json_value", "JSONValue"))
	}},
	{names: []string{"JSON_EXISTS"}, check: func(b *binder) Expr {
		return checkJSON(b, TBool, rtOrError("json_exists", "JSONExists"))
	}},
}

// checkJSON is a JSON function of a VARCHAR document and a constant path: the call passes the document and the
// path's steps.
func checkJSON(b *binder, t Type, impl Impl) Expr {
	if !b.nargs(2, 2) {
		return nil
	}
	if k := b.args[0].Type().Kind; k != Varchar && k != Null {
		b.c.errorf(CodeTypeMismatch, b.argSpan(0), "%s needs a VARCHAR holding JSON, but this is %s", b.name, b.args[0].Type())
		return nil
	}
	k, isConst := b.args[1].(*Const)
	if isConst && k.Null {
		return &Const{T: t, Null: true}
	}
	if !isConst || k.T.Kind != Varchar {
		b.c.errorf(CodeTypeMismatch, b.argSpan(1), "%s's path must be a string constant, such as '$.items[0].price'", b.name)
		return nil
	}
	steps, err := parseJSONPath(k.Str)
	if err != "" {
		b.c.errorf(CodeBadLiteral, b.argSpan(1), "invalid JSON path %q: %s", k.Str, err)
		return nil
	}
	args := []Expr{b.c.convert(b.args[0], TVarchar)}
	for _, s := range steps {
		args = append(args, &Const{T: TVarchar, Str: s})
	}
	return &Func{Name: b.canon, Args: args, Impl: &impl, T: t, Loc: b.loc()}
}

// parseJSONPath reads a path as DuckDB does, plus ["key"]:
//
//	$                the document; then any number of
//	.key             a member: key is everything up to the next . or [ (spaces too)
//	."key"           a member, the key quoted with \" and \\ escapes
//	["key"]          the same
//	[n]  [-n]  [#-n] an element of an array, from 0, or from the end (-1 and #-1 are the last)
//	/a/0/~1b         a JSON Pointer (RFC 6901): a member, or an array element by its decimal index
//	key              a string starting with neither $ nor / is one member's name
//
// Wildcards (.* and [*]) are not supported. It returns the steps of rt/jsonpath.go, or why the path is invalid.
func parseJSONPath(path string) ([]string, string) {
	switch {
	case path == "":
		return nil, ""
	case path[0] == '/':
		var steps []string
		for _, seg := range strings.Split(path[1:], "/") {
			steps = append(steps, "/"+strings.NewReplacer("~1", "/", "~0", "~").Replace(seg))
		}
		return steps, ""
	case path[0] != '$':
		return []string{"." + path}, ""
	}
	var steps []string
	i := 1
	near := func(j int) string { return fmt.Sprintf("near %q", path[j:]) }
	for i < len(path) {
		start := i
		switch path[i] {
		case '.':
			i++
			switch {
			case i < len(path) && path[i] == '"':
				key, end, ok := quotedKey(path, i)
				if !ok || key == "" {
					return nil, near(start)
				}
				steps, i = append(steps, "."+key), end
			case i < len(path) && path[i] == '*':
				return nil, "wildcards (.*) are not supported; name the member"
			default:
				j := i
				for j < len(path) && path[j] != '.' && path[j] != '[' {
					j++
				}
				if j == i {
					return nil, near(start)
				}
				steps, i = append(steps, "."+path[i:j]), j
			}
		case '[':
			end := strings.IndexByte(path[i:], ']')
			if i+1 < len(path) && path[i+1] == '"' {
				key, kend, ok := quotedKey(path, i+1)
				if !ok || kend >= len(path) || path[kend] != ']' {
					return nil, near(start)
				}
				steps, i = append(steps, "."+key), kend+1
				continue
			}
			if end < 0 {
				return nil, near(start)
			}
			inner := path[i+1 : i+end]
			if inner == "*" {
				return nil, "wildcards ([*]) are not supported; give the index"
			}
			neg := strings.HasPrefix(inner, "#-")
			if neg {
				inner = inner[2:]
			} else if strings.HasPrefix(inner, "-") {
				neg, inner = true, inner[1:]
			}
			n, err := strconv.ParseInt(inner, 10, 64)
			if err != nil || inner == "" || inner[0] < '0' || inner[0] > '9' || neg && n == 0 {
				return nil, near(start)
			}
			if neg {
				n = -n
			}
			steps, i = append(steps, "["+strconv.FormatInt(n, 10)), i+end+1
		default:
			return nil, near(start)
		}
	}
	return steps, ""
}

// quotedKey reads the quoted key at path[i] (its opening quote), with \" and \\ escapes, and returns it and the
// index after its closing quote.
func quotedKey(path string, i int) (string, int, bool) {
	var sb strings.Builder
	for j := i + 1; j < len(path); j++ {
		switch c := path[j]; c {
		case '"':
			return sb.String(), j + 1, true
		case '\\':
			if j+1 < len(path) {
				j++
				sb.WriteByte(path[j])
				continue
			}
			return "", 0, false
		default:
			sb.WriteByte(c)
		}
	}
	return "", 0, false
}
