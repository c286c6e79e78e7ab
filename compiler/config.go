// Config files named by 'name.config_file' WITH properties: extends merging, ${VAR} substitution and flattening.

package compiler

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// configFile is one config file after `extends:` merging and ${VAR} substitution, flattened to dotted keys.
type configFile struct {
	Path   string                 // as given (relative to the script's directory, resolved by caller)
	Props  map[string]configValue // flattened keys, e.g. "path", "format", "event.time.field", "on.error"
	Fields []configField          // schema.fields, in order; nil when absent
}

// configValue is one scalar setting with the place it was written, so that a checker rejecting the value can point
// into the YAML file rather than at the WITH clause that named it.
type configValue struct {
	Value     string // scalar rendered as text (YAML bools/numbers as written: "true", "1000")
	File      string // the file the value came from (after extends, the child or a parent)
	Line, Col int    // 1-based position of the value in File
}

// configField is one entry of schema.fields: a column declared by the config file rather than inferred.
type configField struct {
	Name, Type       string // type as written: string|varchar|text, int|integer, bigint|long, double|float, decimal, boolean|bool, timestamp
	Nullable         bool   // default true
	Precision, Scale int    // for decimal; 0 if absent
	Format           string // timestamp format: epoch_millis|epoch_seconds|iso8601 (as written, "" if absent)
	File             string
	Line, Col        int // position of the field's `- name:` entry
}

// configError is a problem in a config file, positioned in that file.
//
// Line is 0 only for the few YAML syntax errors the YAML library reports without a line (such as an unknown anchor);
// Error then prints "file: message" rather than inventing a position.
type configError struct {
	File      string
	Line, Col int
	Msg       string
}

// Error returns "configs/orders.yaml:3:7: message", the form editors jump to.
func (e *configError) Error() string {
	if e.Line == 0 {
		return fmt.Sprintf("%s: %s", e.File, e.Msg)
	}
	return fmt.Sprintf("%s:%d:%d: %s", e.File, e.Line, e.Col, e.Msg)
}

// configErrorAt builds a configError at a YAML node; yaml.Node positions are 1-based and count runes, as ours do.
func configErrorAt(file string, n *yaml.Node, format string, args ...any) *configError {
	return &configError{File: file, Line: n.Line, Col: n.Column, Msg: fmt.Sprintf(format, args...)}
}

// loadConfig reads the config file at path, follows its `extends:` chain, substitutes environment variables and
// flattens the result. readFile and lookupEnv are injected so that the compiler stays hermetic in tests; nil means
// os.ReadFile and os.LookupEnv.
//
// Layout and merging:
//   - `extends: base.yaml` at the top level names a parent file, relative to the extending file's directory (an
//     absolute path is used as is). The parent is loaded first and the child deep-merged over it: mappings merge key
//     by key with the child winning; scalars and sequences are replaced whole. Chains may be any length; a cycle is an
//     error naming it.
//   - Dotted keys are the same as nesting: `event.time.field: x` and `event: {time: {field: x}}` both give
//     "event.time.field", so a child may override a parent's nested setting with a dotted key. Setting one key twice
//     in a file is an error.
//   - Nested mappings flatten with '.'. Each key under "datasource.config.", "datasink.config.", "datasource." or
//     "datasink." (Velostream's layout) is also stored without that prefix, the longest one stripped, unless the short
//     key is set explicitly; if two prefixed keys shorten to the same key, the earlier prefix in that list wins.
//   - Sequences are skipped, except schema.fields (also accepted under the prefixes above), which becomes Fields.
//   - YAML anchors and aliases are followed; merge keys (`<<`) are rejected in favour of `extends:`. A file may hold
//     at most configMaxKeys keys, counting each use of an alias, and only one non-empty YAML document.
//   - schema.fields entries are checked here, where their positions are known: the keys are name and type
//     (required), nullable, precision, scale and format (or Velostream's timestamp_format); the type must be one of
//     configFieldTypes and the format one of configTimestampFormats, both matched ignoring case; precision and
//     scale apply only to decimal, format only to timestamp; field names must be unique ignoring case.
//
// Substitution applies to every scalar value that ends up in the result (values a child overrides are never
// expanded) and to the `extends:` value, never to keys:
//   - ${NAME}: the variable's value; an error if it is not set.
//   - ${NAME:default} or ${NAME:-default}: the default if the variable is not set. A variable set to "" counts as set.
//     The ":-" spelling is Velostream's; a default that really starts with '-' is written ${NAME:--1}.
//   - ${NAME:?message}: an error carrying message if the variable is not set.
//
// NAME is letters, digits and underscores, not starting with a digit. The default runs to the first '}', so it cannot
// contain '}' or another ${...}. Substituted text is not expanded again. A '$' not followed by '{' is kept as is, and
// there is no escape for a literal "${".
//
// Errors inside a config file (its own or a parent's) are *configError positioned in that file, with lines counted
// as YAML counts them (CR, LF, CR LF, NEL, LS and PS each end a line) and columns in runes. Failing to read the
// top-level file is returned wrapped instead, since it has no position in any config file: the caller positions it
// at the WITH property.
func loadConfig(path string, readFile func(string) ([]byte, error), lookupEnv func(string) (string, bool)) (*configFile, error) {
	if readFile == nil {
		readFile = os.ReadFile
	}
	if lookupEnv == nil {
		lookupEnv = os.LookupEnv
	}
	l := &configLoader{readFile: readFile, lookupEnv: lookupEnv}
	data, err := readFile(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read config file %q: %w", path, err)
	}
	root, err := l.load(path, data, nil)
	if err != nil {
		return nil, err
	}
	cf := &configFile{Path: path, Props: map[string]configValue{}}
	if err := l.flatten(cf, root, ""); err != nil {
		return nil, err
	}
	configAddAliases(cf.Props)
	return cf, nil
}

// configNode is one YAML value after dotted keys are split into nested mappings. Each node remembers its file so
// that values inherited through `extends:` keep the parent's position after merging.
type configNode struct {
	kind      yaml.Kind              // yaml.ScalarNode, yaml.MappingNode or yaml.SequenceNode
	value     string                 // ScalarNode: the text as written
	seq       *yaml.Node             // SequenceNode: kept raw, since only schema.fields is ever read from one
	children  map[string]*configNode // MappingNode
	keys      []string               // MappingNode: keys in first-seen order, so walks and first errors are stable
	file      string                 // the file the value was written in
	line, col int                    // the value's position; for a mapping, that of the key that introduced it
}

// configNewMapping returns an empty mapping node positioned at n.
func configNewMapping(file string, n *yaml.Node) *configNode {
	return &configNode{kind: yaml.MappingNode, children: map[string]*configNode{}, file: file, line: n.Line, col: n.Column}
}

// add appends a key that m does not have yet.
func (m *configNode) add(key string, child *configNode) {
	m.children[key] = child
	m.keys = append(m.keys, key)
}

// configLoader carries the injected file system and environment through one loadConfig call.
type configLoader struct {
	readFile  func(string) ([]byte, error)
	lookupEnv func(string) (string, bool)
	fieldsKey string // the flattened key schema.fields was found under, to reject a second one
}

// load parses the file at path, whose contents are data, and merges it over its `extends:` chain. chain holds the
// cleaned paths of the files that led here, to detect cycles.
func (l *configLoader) load(path string, data []byte, chain []string) (*configNode, error) {
	root, ext, err := configParseFile(path, data)
	if err != nil || ext == nil {
		return root, err
	}
	target, err := l.substitute(ext.Value, path, ext)
	if err != nil {
		return nil, err
	}
	if target == "" {
		return nil, configErrorAt(path, ext, "extends must name one config file, such as \"extends: base.yaml\"")
	}
	parent := target
	if !filepath.IsAbs(parent) {
		parent = filepath.Join(filepath.Dir(path), parent)
	}
	parent = filepath.Clean(parent)
	chain = append(chain[:len(chain):len(chain)], filepath.Clean(path))
	for i, p := range chain {
		if p == parent {
			cycle := append(chain[i:len(chain):len(chain)], parent)
			return nil, configErrorAt(path, ext, "extends cycle: %s", strings.Join(cycle, " -> "))
		}
	}
	pdata, err := l.readFile(parent)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, configErrorAt(path, ext, "extended config file %q does not exist", parent)
	} else if err != nil {
		return nil, configErrorAt(path, ext, "cannot read extended config file %q: %v", parent, err)
	}
	base, err := l.load(parent, pdata, chain)
	if err != nil {
		return nil, err
	}
	return configMerge(base, root), nil
}

// configParseFile turns one file into a configNode tree, returning its `extends:` value (nil if none) separately
// because extends is about the file, not a setting.
func configParseFile(path string, data []byte) (root *configNode, ext *yaml.Node, err error) {
	if bytes.HasPrefix(data, []byte{0xfe, 0xff}) || bytes.HasPrefix(data, []byte{0xff, 0xfe}) {
		// The YAML library would decode UTF-16, but our positions and the caret snippet under them assume UTF-8.
		return nil, nil, &configError{File: path, Line: 1, Col: 1, Msg: "config file is UTF-16; save it as UTF-8"}
	}
	dec := yaml.NewDecoder(bytes.NewReader(data))
	var doc yaml.Node
	if err := dec.Decode(&doc); err != nil && err != io.EOF {
		return nil, nil, configSyntaxError(path, err)
	}
	if len(doc.Content) == 0 || configIsEmpty(doc.Content[0]) {
		return nil, nil, &configError{File: path, Line: 1, Col: 1,
			Msg: "config file is empty; expected a mapping of settings such as \"path: orders.csv\""}
	}
	for {
		// Later documents are an error unless empty, as a trailing "---" is.
		var extra yaml.Node
		err := dec.Decode(&extra)
		if err == io.EOF {
			break
		} else if err != nil {
			return nil, nil, configSyntaxError(path, err)
		}
		if len(extra.Content) > 0 && !configIsEmpty(extra.Content[0]) {
			return nil, nil, configErrorAt(path, extra.Content[0],
				"config file holds more than one YAML document; put all settings in one")
		}
	}
	top := configDeref(doc.Content[0])
	if top.Kind != yaml.MappingNode {
		return nil, nil, configErrorAt(path, top,
			"config file must be a mapping of settings such as \"path: orders.csv\", found a %s", configKindName(top))
	}
	root = configNewMapping(path, top)
	fp := &configParser{file: path, expanding: map[*yaml.Node]bool{top: true}}
	for i := 0; i+1 < len(top.Content); i += 2 {
		k, v := top.Content[i], configDeref(top.Content[i+1])
		if k.Kind == yaml.ScalarNode && k.Tag != "!!merge" && k.Value == "extends" {
			if ext != nil {
				return nil, nil, configErrorAt(path, k, "duplicate key \"extends\"; first set at line %d", ext.Line)
			}
			if v.Kind != yaml.ScalarNode || v.Tag == "!!null" {
				return nil, nil, configErrorAt(path, v, "extends must name one config file, such as \"extends: base.yaml\"")
			}
			ext = v
			continue
		}
		if err := fp.put(root, "", k, top.Content[i+1]); err != nil {
			return nil, nil, err
		}
	}
	return root, ext, nil
}

// configSyntaxLine matches the "yaml: line N: problem" form the YAML library uses for syntax errors.
var configSyntaxLine = regexp.MustCompile(`(?s)^yaml: line (\d+): (.*)$`)

// configSyntaxError converts a YAML library error into a configError. The library reports a line but no column, so
// the column is 1.
func configSyntaxError(path string, err error) *configError {
	if m := configSyntaxLine.FindStringSubmatch(err.Error()); m != nil {
		line, _ := strconv.Atoi(m[1])
		return &configError{File: path, Line: line, Col: 1, Msg: "invalid YAML: " + m[2]}
	}
	return &configError{File: path, Msg: "invalid YAML: " + strings.TrimPrefix(err.Error(), "yaml: ")}
}

// configMaxKeys bounds the keys of one file, counting each use of a YAML alias anew, so that a few lines of nested
// aliases cannot expand into billions of settings.
const configMaxKeys = 10000

// configParser holds the state of turning one file's YAML mappings into configNodes.
type configParser struct {
	file      string              // the file being parsed, for positions
	expanding map[*yaml.Node]bool // mappings being expanded, to catch an alias used inside the mapping it names
	keys      int                 // keys put so far, against configMaxKeys
}

// put stores the pair k: v of a mapping into m, whose flattened key is prefix. A dotted key is split into nested
// mappings so that it merges with the nested spelling of the same setting.
func (fp *configParser) put(m *configNode, prefix string, k, v *yaml.Node) error {
	file := fp.file
	if fp.keys++; fp.keys > configMaxKeys {
		return configErrorAt(file, k, "config file has more than %d keys, counting each use of a YAML alias", configMaxKeys)
	}
	if k.Kind != yaml.ScalarNode {
		return configErrorAt(file, k, "keys must be plain names, found a %s", configKindName(k))
	}
	if k.Tag == "!!merge" {
		return configErrorAt(file, k, "YAML merge keys (<<) are not supported; use \"extends: file.yaml\" to inherit settings")
	}
	full := configJoin(prefix, k.Value)
	parts := strings.Split(k.Value, ".")
	for _, p := range parts {
		if p == "" {
			return configErrorAt(file, k, "key %q has an empty part between dots", full)
		}
	}
	cur := m
	for i, p := range parts[:len(parts)-1] {
		child := cur.children[p]
		if child == nil {
			child = configNewMapping(file, k)
			cur.add(p, child)
		} else if child.kind != yaml.MappingNode {
			return configErrorAt(file, k, "key %q conflicts with %q set at line %d",
				full, configJoin(prefix, strings.Join(parts[:i+1], ".")), child.line)
		}
		cur = child
	}
	last := parts[len(parts)-1]
	existing := cur.children[last]
	alias := v
	v = configDeref(v)
	if v.Kind == yaml.MappingNode && fp.expanding[v] {
		return configErrorAt(file, alias, "YAML alias \"*%s\" is used inside the mapping it names", alias.Value)
	}
	if v.Kind == yaml.MappingNode && (existing == nil || existing.kind == yaml.MappingNode) {
		// Merge into the existing mapping so that `a: {b: 1}` and `a.c: 2` together are fine and only a repeated
		// leaf is reported, at its own line.
		if existing == nil {
			existing = configNewMapping(file, k)
			cur.add(last, existing)
		}
		fp.expanding[v] = true
		defer delete(fp.expanding, v)
		for i := 0; i+1 < len(v.Content); i += 2 {
			if err := fp.put(existing, full, v.Content[i], v.Content[i+1]); err != nil {
				return err
			}
		}
		return nil
	}
	if existing != nil {
		return configErrorAt(file, k, "duplicate key %q; first set at line %d", full, existing.line)
	}
	n := &configNode{kind: v.Kind, file: file, line: v.Line, col: v.Column}
	switch v.Kind {
	case yaml.ScalarNode:
		n.value = v.Value
	case yaml.SequenceNode:
		n.seq = v
	default:
		return configErrorAt(file, v, "unsupported YAML value for %q: %s", full, configKindName(v))
	}
	cur.add(last, n)
	return nil
}

// configMerge deep-merges over onto base: mappings merge key by key, anything else in over replaces base whole.
func configMerge(base, over *configNode) *configNode {
	if base == nil || base.kind != yaml.MappingNode || over.kind != yaml.MappingNode {
		return over
	}
	out := &configNode{kind: yaml.MappingNode, children: map[string]*configNode{}, file: over.file, line: over.line, col: over.col}
	for _, k := range base.keys {
		out.add(k, base.children[k])
	}
	for _, k := range over.keys {
		if b, ok := out.children[k]; ok {
			out.children[k] = configMerge(b, over.children[k])
		} else {
			out.add(k, over.children[k])
		}
	}
	return out
}

// flatten stores the scalars of mapping n into cf.Props under prefix, expanding variables, and reads schema.fields.
func (l *configLoader) flatten(cf *configFile, n *configNode, prefix string) error {
	for _, k := range n.keys {
		c, key := n.children[k], configJoin(prefix, k)
		if short, _ := configStripAlias(key); short == "schema.fields" {
			if c.kind != yaml.SequenceNode {
				return &configError{File: c.file, Line: c.line, Col: c.col,
					Msg: fmt.Sprintf("%s must be a list of fields such as \"- name: id\"", key)}
			}
			if l.fieldsKey != "" {
				return &configError{File: c.file, Line: c.line, Col: c.col,
					Msg: fmt.Sprintf("schema fields are given in both %q and %q; keep one", l.fieldsKey, key)}
			}
			l.fieldsKey = key
			fields, err := l.fields(c)
			if err != nil {
				return err
			}
			cf.Fields = fields
			continue
		}
		switch c.kind {
		case yaml.MappingNode:
			if err := l.flatten(cf, c, key); err != nil {
				return err
			}
		case yaml.ScalarNode:
			v, err := l.substitute(c.value, c.file, &yaml.Node{Line: c.line, Column: c.col})
			if err != nil {
				return err
			}
			cf.Props[key] = configValue{Value: v, File: c.file, Line: c.line, Col: c.col}
		}
		// Other sequences (broker lists and the like) have no flat form; the checker never asks for them.
	}
	return nil
}

// configAliasPrefixes are the Velostream wrappers whose keys are also stored bare, longest first within each family
// so that the first match is the longest. Their order is also the priority when two prefixed keys shorten alike.
var configAliasPrefixes = []string{"datasource.config.", "datasink.config.", "datasource.", "datasink."}

// configStripAlias returns key without its longest alias prefix, and that prefix's index in configAliasPrefixes.
func configStripAlias(key string) (string, int) {
	for i, p := range configAliasPrefixes {
		if len(key) > len(p) && strings.HasPrefix(key, p) {
			return key[len(p):], i
		}
	}
	return key, -1
}

// configAddAliases adds the short form of every prefixed key that is not set explicitly.
func configAddAliases(props map[string]configValue) {
	byPrefix := make([][]string, len(configAliasPrefixes))
	for key := range props {
		if short, i := configStripAlias(key); i >= 0 {
			byPrefix[i] = append(byPrefix[i], short)
		}
	}
	for i, shorts := range byPrefix {
		sort.Strings(shorts)
		for _, short := range shorts {
			if _, taken := props[short]; !taken {
				props[short] = props[configAliasPrefixes[i]+short]
			}
		}
	}
}

// substitute expands ${...} references in the scalar s of file, found at node at; see loadConfig for the syntax.
func (l *configLoader) substitute(s, file string, at *yaml.Node) (string, error) {
	if !strings.Contains(s, "${") {
		return s, nil
	}
	var b strings.Builder
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			b.WriteString(s)
			return b.String(), nil
		}
		b.WriteString(s[:i])
		rest := s[i+2:]
		j := strings.IndexByte(rest, '}')
		if j < 0 {
			return "", configErrorAt(file, at, "unterminated \"${\" in %q; write ${NAME} or ${NAME:default}", s)
		}
		name, def, hasDef := strings.Cut(rest[:j], ":")
		if !configVarName.MatchString(name) {
			return "", configErrorAt(file, at,
				"invalid variable reference \"${%s}\"; names are letters, digits and underscores", rest[:j])
		}
		val, ok := l.lookupEnv(name)
		switch {
		case ok:
		case hasDef && strings.HasPrefix(def, "?"):
			if def == "?" {
				return "", configErrorAt(file, at, "environment variable %q is not set", name)
			}
			return "", configErrorAt(file, at, "environment variable %q is not set: %s", name, def[1:])
		case hasDef:
			val = strings.TrimPrefix(def, "-")
		default:
			return "", configErrorAt(file, at,
				"environment variable %q is not set and has no default; write ${%s:default} to give one", name, name)
		}
		b.WriteString(val)
		s = rest[j+1:]
	}
}

// configVarName is the shape of a variable name in ${...}, as in POSIX shells.
var configVarName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

// configFieldTypes are the schema.fields types, lower-cased; matching ignores case because SQL type names do.
var configFieldTypes = map[string]bool{
	"string": true, "varchar": true, "text": true,
	"int": true, "integer": true,
	"bigint": true, "long": true,
	"double": true, "float": true,
	"decimal": true,
	"boolean": true, "bool": true,
	"timestamp": true,
}

// configFieldTypeList lists configFieldTypes for messages, in a readable order.
const configFieldTypeList = "string, varchar, text, int, integer, bigint, long, double, float, decimal, boolean, bool, timestamp"

// configTimestampFormats are the accepted timestamp formats, lower-cased.
var configTimestampFormats = map[string]bool{"epoch_millis": true, "epoch_seconds": true, "iso8601": true}

// fields reads the schema.fields sequence n.
func (l *configLoader) fields(n *configNode) ([]configField, error) {
	fields := make([]configField, 0, len(n.seq.Content)) // non-nil: an explicit empty list is not an absent one
	first := map[string]int{}                            // lower-cased name → line, since SQL names ignore case
	for _, item := range n.seq.Content {
		item = configDeref(item)
		if item.Kind != yaml.MappingNode {
			return nil, configErrorAt(n.file, item,
				"each schema field must be a mapping such as \"- name: id\", found a %s", configKindName(item))
		}
		f, err := l.field(item, n.file)
		if err != nil {
			return nil, err
		}
		if line, dup := first[strings.ToLower(f.Name)]; dup {
			return nil, configErrorAt(n.file, item, "duplicate schema field %q; first declared at line %d", f.Name, line)
		}
		first[strings.ToLower(f.Name)] = f.Line
		fields = append(fields, f)
	}
	return fields, nil
}

// field reads one schema.fields entry n of file.
func (l *configLoader) field(n *yaml.Node, file string) (configField, error) {
	f := configField{Nullable: true, File: file, Line: n.Line, Col: n.Column}
	keys := map[string]*yaml.Node{} // canonical key → its key node, for duplicates and later checks
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], configDeref(n.Content[i+1])
		if k.Kind != yaml.ScalarNode {
			return f, configErrorAt(file, k, "keys must be plain names, found a %s", configKindName(k))
		}
		key := k.Value
		if key == "timestamp_format" {
			key = "format" // Velostream's spelling
		}
		switch key {
		case "name", "type", "nullable", "precision", "scale", "format":
		default:
			return f, configErrorAt(file, k,
				"unknown schema field key %q; known: name, type, nullable, precision, scale, format", k.Value)
		}
		if prev := keys[key]; prev != nil {
			return f, configErrorAt(file, k, "schema field key %q repeats %q at line %d", k.Value, prev.Value, prev.Line)
		}
		keys[key] = k
		if v.Kind != yaml.ScalarNode {
			return f, configErrorAt(file, v, "schema field %s must be a single value, found a %s", k.Value, configKindName(v))
		}
		s, err := l.substitute(v.Value, file, v)
		if err != nil {
			return f, err
		}
		switch key {
		case "name":
			if s == "" {
				return f, configErrorAt(file, v, "schema field name is empty")
			}
			f.Name = s
		case "type":
			if !configFieldTypes[strings.ToLower(s)] {
				return f, configErrorAt(file, v, "unknown schema field type %q; known: %s", s, configFieldTypeList)
			}
			f.Type = s
		case "nullable":
			switch strings.ToLower(s) {
			case "true":
				f.Nullable = true
			case "false":
				f.Nullable = false
			default:
				return f, configErrorAt(file, v, "nullable must be true or false, found %q", s)
			}
		case "precision", "scale":
			num, err := strconv.Atoi(s)
			switch {
			case key == "precision" && (err != nil || num < 1):
				return f, configErrorAt(file, v, "precision must be a positive whole number, found %q", s)
			case key == "scale" && (err != nil || num < 0):
				return f, configErrorAt(file, v, "scale must be a non-negative whole number, found %q", s)
			case key == "precision":
				f.Precision = num
			default:
				f.Scale = num
			}
		case "format":
			if !configTimestampFormats[strings.ToLower(s)] {
				return f, configErrorAt(file, v, "unknown timestamp format %q; known: epoch_millis, epoch_seconds, iso8601", s)
			}
			f.Format = s
		}
	}
	if keys["name"] == nil {
		return f, configErrorAt(file, n, "schema field has no name; add \"name: <column>\"")
	}
	if keys["type"] == nil {
		return f, configErrorAt(file, n, "schema field %q has no type; add \"type: <type>\" (one of %s)", f.Name, configFieldTypeList)
	}
	// Settings that the type ignores are mistakes worth reporting, not silently dropping.
	typ := strings.ToLower(f.Type)
	for _, key := range []string{"precision", "scale"} {
		if k := keys[key]; k != nil && typ != "decimal" {
			return f, configErrorAt(file, k, "%s applies only to decimal fields; %q is %s", key, f.Name, f.Type)
		}
	}
	if k := keys["format"]; k != nil && typ != "timestamp" {
		return f, configErrorAt(file, k, "%s applies only to timestamp fields; %q is %s", k.Value, f.Name, f.Type)
	}
	if keys["precision"] != nil && f.Scale > f.Precision {
		return f, configErrorAt(file, keys["scale"], "scale %d exceeds precision %d of %q", f.Scale, f.Precision, f.Name)
	}
	return f, nil
}

// configDeref follows YAML aliases (*name) to the anchored node, whose position is where the text is.
func configDeref(n *yaml.Node) *yaml.Node {
	for n.Kind == yaml.AliasNode && n.Alias != nil {
		n = n.Alias
	}
	return n
}

// configIsEmpty reports whether n is the implicit null of a document with nothing in it, such as "---" alone. Its
// position is the end of the input, which may lie past the last line, so it is reported as an empty file instead.
func configIsEmpty(n *yaml.Node) bool {
	return n.Kind == yaml.ScalarNode && n.Tag == "!!null" && n.Value == "" && n.Style == 0
}

// configKindName names a node's kind in messages.
func configKindName(n *yaml.Node) string {
	switch n.Kind {
	case yaml.MappingNode:
		return "mapping"
	case yaml.SequenceNode:
		return "list"
	case yaml.ScalarNode:
		return fmt.Sprintf("single value (%q)", n.Value)
	default:
		return "YAML node of an unexpected kind"
	}
}

// configJoin appends key to a flattened prefix.
func configJoin(prefix, key string) string {
	if prefix == "" {
		return key
	}
	return prefix + "." + key
}
