// Tests for the config-file loader: extends merging, substitution, aliases, schema.fields and positioned errors.

package compiler

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// configTestReader reads paths relative to dir, the way the compiler resolves them against the script's directory;
// absolute paths are read as they are.
func configTestReader(dir string) func(string) ([]byte, error) {
	return func(p string) ([]byte, error) {
		if !filepath.IsAbs(p) {
			p = filepath.Join(dir, p)
		}
		return os.ReadFile(p)
	}
}

// configTestEnv is a lookupEnv over a fixed map, so tests never see the real environment.
func configTestEnv(env map[string]string) func(string) (string, bool) {
	return func(name string) (string, bool) {
		v, ok := env[name]
		return v, ok
	}
}

// configTestWrite writes files (path → contents) under a fresh directory and returns it.
func configTestWrite(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, text := range files {
		p := filepath.Join(dir, name)
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// configTestRender prints a configFile one line per setting and field, settings sorted, each with its position, so
// that a whole result is compared at once and a difference reads plainly.
func configTestRender(cf *configFile) string {
	var b strings.Builder
	keys := make([]string, 0, len(cf.Props))
	for k := range cf.Props {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := cf.Props[k]
		fmt.Fprintf(&b, "%s = %q  @%s:%d:%d\n", k, v.Value, v.File, v.Line, v.Col)
	}
	if cf.Fields != nil && len(cf.Fields) == 0 {
		b.WriteString("fields: empty list\n")
	}
	for _, f := range cf.Fields {
		fmt.Fprintf(&b, "field %s %s", f.Name, f.Type)
		if f.Precision != 0 || f.Scale != 0 {
			fmt.Fprintf(&b, "(%d,%d)", f.Precision, f.Scale)
		}
		if !f.Nullable {
			b.WriteString(" not null")
		}
		if f.Format != "" {
			b.WriteString(" format " + f.Format)
		}
		fmt.Fprintf(&b, "  @%s:%d:%d\n", f.File, f.Line, f.Col)
	}
	return b.String()
}

// configTestLines returns want with each line's leading tabs removed, so want blocks can be indented with the code.
func configTestLines(want string) string {
	var b strings.Builder
	for _, line := range strings.Split(strings.TrimSpace(want), "\n") {
		b.WriteString(strings.TrimLeft(line, "\t") + "\n")
	}
	return b.String()
}

// TestLoadConfigTestdata loads a three-level chain from testdata/config: orders.yaml extends env/prod.yaml, which
// extends ../base/kafka.yaml. It covers deep merging (inherited values keep the parent's position), sequence
// replacement (the base's schema.fields is dropped), substitution, Velostream aliases and schema.fields.
func TestLoadConfigTestdata(t *testing.T) {
	env := map[string]string{"KAFKA_BROKERS": "k1:9092,k2:9092", "ENV": "prod"}
	cf, err := loadConfig("orders.yaml", configTestReader("testdata/config"), configTestEnv(env))
	if err != nil {
		t.Fatal(err)
	}
	if cf.Path != "orders.yaml" {
		t.Errorf("Path = %q, want %q", cf.Path, "orders.yaml")
	}
	// "format" stays json although datasource.config.format is avro: an explicit short key beats an alias.
	// on.error is the child's skip, not the base's fail; the base's schema.fields list is replaced, not extended.
	// REGION is unset, so its default applies; ENV is set, so neither of its defaults does.
	// datasource.brokers is a list, so it is skipped.
	want := configTestLines(`
		consumer_config.auto.offset.reset = "earliest"  @base/kafka.yaml:9:24
		consumer_config.bootstrap.servers = "k1:9092,k2:9092"  @env/prod.yaml:5:24
		consumer_config.group.id = "orders-prod-eu"  @orders.yaml:9:29
		consumer_config.security.protocol = "SASL_SSL"  @env/prod.yaml:6:24
		datasource.config.format = "avro"  @orders.yaml:8:13
		datasource.config.topic = "orders_prod"  @orders.yaml:7:12
		datasource.consumer_config.auto.offset.reset = "earliest"  @base/kafka.yaml:9:24
		datasource.consumer_config.bootstrap.servers = "k1:9092,k2:9092"  @env/prod.yaml:5:24
		datasource.consumer_config.group.id = "orders-prod-eu"  @orders.yaml:9:29
		datasource.consumer_config.security.protocol = "SASL_SSL"  @env/prod.yaml:6:24
		datasource.type = "kafka"  @base/kafka.yaml:5:9
		event.time.field = "event_time"  @orders.yaml:4:19
		format = "json"  @base/kafka.yaml:2:9
		on.error = "skip"  @orders.yaml:3:11
		topic = "orders_prod"  @orders.yaml:7:12
		type = "kafka"  @base/kafka.yaml:5:9
		field order_id bigint not null  @orders.yaml:13:9
		field amount DECIMAL(19,4)  @orders.yaml:16:9
		field event_time timestamp format epoch_millis  @orders.yaml:20:9
		field note string  @orders.yaml:23:9
	`)
	if got := configTestRender(cf); got != want {
		t.Errorf("loadConfig(orders.yaml):\n--- got\n%s--- want\n%s", got, want)
	}
}

// TestLoadConfig covers the accepted layouts, one small set of files per case.
func TestLoadConfig(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string // written to a temp dir
		env   map[string]string // "$DIR" in a value is the temp dir
		path  string            // loaded; "main.yaml" when empty
		want  string            // configTestRender output, "$DIR" for the temp dir
	}{{
		name: "child wins, parent values keep their position",
		files: map[string]string{
			"base.yaml": "a: 1\nb:\n  c: 2\n  d: 3\n",
			"main.yaml": "extends: base.yaml\nb:\n  d: 4\ne: 5\n",
		},
		want: `
			a = "1"  @base.yaml:1:4
			b.c = "2"  @base.yaml:3:6
			b.d = "4"  @main.yaml:3:6
			e = "5"  @main.yaml:4:4
		`,
	}, {
		name: "dotted child key overrides nested parent key and vice versa",
		files: map[string]string{
			"base.yaml": "event:\n  time:\n    field: ts\nx.y: 1\n",
			"main.yaml": "extends: base.yaml\nevent.time.field: event_time\nx:\n  y: 2\n",
		},
		want: `
			event.time.field = "event_time"  @main.yaml:2:19
			x.y = "2"  @main.yaml:4:6
		`,
	}, {
		name: "a scalar replaces a parent mapping",
		files: map[string]string{
			"base.yaml": "retry:\n  count: 3\n",
			"main.yaml": "extends: base.yaml\nretry: none\n",
		},
		want: `
			retry = "none"  @main.yaml:2:8
		`,
	}, {
		name: "sequences are replaced, not merged",
		files: map[string]string{
			"base.yaml": "schema:\n  fields:\n    - {name: a, type: int}\n    - {name: b, type: int}\n",
			"main.yaml": "extends: base.yaml\nschema:\n  fields:\n    - {name: c, type: text}\n",
		},
		want: `
			field c text  @main.yaml:4:7
		`,
	}, {
		name: "an empty list of fields is not an absent one",
		files: map[string]string{
			"base.yaml": "schema.fields:\n  - {name: a, type: int}\n",
			"main.yaml": "extends: base.yaml\nschema.fields: []\n",
		},
		want: `
			fields: empty list
		`,
	}, {
		name: "extends relative to the extending file, several levels",
		files: map[string]string{
			"configs/main.yaml":     "extends: env/prod.yaml\nlevel: main\n",
			"configs/env/prod.yaml": "extends: base.yaml\nlevel: prod\nprod: yes\n",
			"configs/env/base.yaml": "extends: ../../shared/common.yaml\nlevel: base\nbase: yes\n",
			"shared/common.yaml":    "level: common\ncommon: yes\n",
			// Decoys found if "base.yaml" were resolved against the working or the top file's directory.
			"base.yaml":         "decoy: working directory\n",
			"configs/base.yaml": "decoy: top file directory\n",
		},
		path: "configs/main.yaml",
		want: `
			base = "yes"  @configs/env/base.yaml:3:7
			common = "yes"  @shared/common.yaml:2:9
			level = "main"  @configs/main.yaml:2:8
			prod = "yes"  @configs/env/prod.yaml:3:7
		`,
	}, {
		name: "absolute extends through a variable",
		files: map[string]string{
			"lib/base.yaml": "format: csv\n",
			"main.yaml":     "extends: ${LIB}/base.yaml\npath: orders.csv\n",
		},
		env: map[string]string{"LIB": "$DIR/lib"},
		want: `
			format = "csv"  @$DIR/lib/base.yaml:1:9
			path = "orders.csv"  @main.yaml:2:7
		`,
	}, {
		name: "substitution: defaults, several per value, set but empty, plain dollars",
		files: map[string]string{
			"main.yaml": "" +
				"brokers: ${HOST}:${PORT:9092},${HOST2:-backup}:${PORT2:--1}\n" +
				"empty: '[${EMPTY:fallback}]'\n" +
				"blank: ${NONE:}\n" +
				"dollar: $HOME costs $5 {x}\n" +
				"noexpand: ${NEST}\n",
		},
		env: map[string]string{"HOST": "kafka", "EMPTY": "", "NEST": "${HOST}"},
		want: `
			blank = ""  @main.yaml:3:8
			brokers = "kafka:9092,backup:-1"  @main.yaml:1:10
			dollar = "$HOME costs $5 {x}"  @main.yaml:4:9
			empty = "[]"  @main.yaml:2:8
			noexpand = "${HOST}"  @main.yaml:5:11
		`,
	}, {
		name: "a parent's unset variable is fine when the child overrides it",
		files: map[string]string{
			"base.yaml": "password: ${SECRET}\n",
			"main.yaml": "extends: base.yaml\npassword: none\n",
		},
		want: `
			password = "none"  @main.yaml:2:11
		`,
	}, {
		name: "Velostream layout: longest prefix stripped, explicit short keys win",
		files: map[string]string{
			"main.yaml": "" +
				"path: explicit.csv\n" +
				"datasource:\n" +
				"  type: file\n" +
				"  config:\n" +
				"    path: nested.csv\n" +
				"    format: csv\n" +
				"    csv_options:\n" +
				"      has_headers: true\n",
		},
		want: `
			csv_options.has_headers = "true"  @main.yaml:8:20
			datasource.config.csv_options.has_headers = "true"  @main.yaml:8:20
			datasource.config.format = "csv"  @main.yaml:6:13
			datasource.config.path = "nested.csv"  @main.yaml:5:11
			datasource.type = "file"  @main.yaml:3:9
			format = "csv"  @main.yaml:6:13
			path = "explicit.csv"  @main.yaml:1:7
			type = "file"  @main.yaml:3:9
		`,
	}, {
		name: "datasink layout and alias priority between prefixes",
		files: map[string]string{
			"main.yaml": "" +
				"datasink:\n" +
				"  format: json\n" +
				"  config:\n" +
				"    format: csv\n" +
				"    topic: out\n" +
				"datasource.format: avro\n",
		},
		// datasource.config. > datasink.config. > datasource. > datasink.: the sink's config block wins "format".
		want: `
			datasink.config.format = "csv"  @main.yaml:4:13
			datasink.config.topic = "out"  @main.yaml:5:12
			datasink.format = "json"  @main.yaml:2:11
			datasource.format = "avro"  @main.yaml:6:20
			format = "csv"  @main.yaml:4:13
			topic = "out"  @main.yaml:5:12
		`,
	}, {
		name: "schema.fields under datasource, with keys in any order and defaults",
		files: map[string]string{
			"main.yaml": "" +
				"datasource:\n" +
				"  schema:\n" +
				"    fields:\n" +
				"      - type: decimal\n" +
				"        name: price\n" +
				"        precision: 10\n" +
				"      - name: ts\n" +
				"        type: TIMESTAMP\n" +
				"        format: iso8601\n" +
				"        nullable: False\n" +
				"      - name: ok\n" +
				"        type: bool\n",
		},
		want: `
			field price decimal(10,0)  @main.yaml:4:9
			field ts TIMESTAMP not null format iso8601  @main.yaml:7:9
			field ok bool  @main.yaml:11:9
		`,
	}, {
		name: "explicit document markers and a trailing empty document",
		files: map[string]string{
			"main.yaml": "---\npath: x\n...\n---\n",
		},
		want: `
			path = "x"  @main.yaml:2:7
		`,
	}, {
		name: "other sequences are skipped, nested ones too",
		files: map[string]string{
			"main.yaml": "brokers: [a, b]\nnested:\n  - [1, 2]\n  - {k: v}\npath: x\n",
		},
		want: `
			path = "x"  @main.yaml:5:7
		`,
	}, {
		name: "YAML anchors and aliases are followed",
		files: map[string]string{
			"main.yaml": "defaults: &d\n  acks: all\nsink: *d\nname: &n orders\ncopy: *n\n",
		},
		want: `
			copy = "orders"  @main.yaml:4:7
			defaults.acks = "all"  @main.yaml:2:9
			name = "orders"  @main.yaml:4:7
			sink.acks = "all"  @main.yaml:2:9
		`,
	}, {
		name: "quoted, block and typed scalars as written",
		files: map[string]string{
			"main.yaml": "n: 1000\nf: 1.50\nb: true\nq: \"quoted\"\nnull: ~\nempty:\nblock: |\n  two\n  lines\n",
		},
		want: `
			b = "true"  @main.yaml:3:4
			block = "two\nlines\n"  @main.yaml:7:8
			empty = ""  @main.yaml:6:7
			f = "1.50"  @main.yaml:2:4
			n = "1000"  @main.yaml:1:4
			null = "~"  @main.yaml:5:7
			q = "quoted"  @main.yaml:4:4
		`,
	}, {
		name: "columns count runes, not bytes",
		files: map[string]string{
			"main.yaml": "préfixe.clé: ${UNSET:ünï}\nçà: x\n",
		},
		want: `
			préfixe.clé = "ünï"  @main.yaml:1:14
			çà = "x"  @main.yaml:2:5
		`,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := configTestWrite(t, tt.files)
			env := map[string]string{}
			for k, v := range tt.env {
				env[k] = strings.ReplaceAll(v, "$DIR", dir)
			}
			path := tt.path
			if path == "" {
				path = "main.yaml"
			}
			cf, err := loadConfig(path, configTestReader(dir), configTestEnv(env))
			if err != nil {
				t.Fatal(err)
			}
			want := strings.ReplaceAll(configTestLines(tt.want), "$DIR", dir)
			if got := configTestRender(cf); got != want {
				t.Errorf("loadConfig(%s):\n--- got\n%s--- want\n%s", path, got, want)
			}
		})
	}
}

// TestLoadConfigErrors checks each diagnostic's exact text and position. Every error must be a *configError whose
// line lies inside the file it names, so a wrong or invented position fails here.
func TestLoadConfigErrors(t *testing.T) {
	tests := []struct {
		name  string
		files map[string]string
		env   map[string]string
		want  string // the whole Error() text
	}{{
		name: "cycle",
		files: map[string]string{
			"main.yaml":  "extends: a.yaml\n",
			"a.yaml":     "x: 1\nextends: sub/b.yaml\n",
			"sub/b.yaml": "extends: ../a.yaml\n",
		},
		want: `sub/b.yaml:1:10: extends cycle: a.yaml -> sub/b.yaml -> a.yaml`,
	}, {
		name:  "file extends itself",
		files: map[string]string{"main.yaml": "extends: ./main.yaml\n"},
		want:  `main.yaml:1:10: extends cycle: main.yaml -> main.yaml`,
	}, {
		name:  "missing parent",
		files: map[string]string{"main.yaml": "path: x\nextends:   conf/base.yaml\n"},
		want:  `main.yaml:2:12: extended config file "conf/base.yaml" does not exist`,
	}, {
		name: "missing grandparent is reported in the parent",
		files: map[string]string{
			"main.yaml":     "extends: env/prod.yaml\n",
			"env/prod.yaml": "extends: base.yaml\n",
		},
		want: `env/prod.yaml:1:10: extended config file "env/base.yaml" does not exist`,
	}, {
		name:  "extends is not a file name",
		files: map[string]string{"main.yaml": "extends:\n  - a.yaml\n"},
		want:  `main.yaml:2:3: extends must name one config file, such as "extends: base.yaml"`,
	}, {
		name:  "extends is empty",
		files: map[string]string{"main.yaml": "extends:\n"},
		want:  `main.yaml:1:9: extends must name one config file, such as "extends: base.yaml"`,
	}, {
		name:  "extends twice",
		files: map[string]string{"main.yaml": "extends: a.yaml\nextends: b.yaml\n"},
		want:  `main.yaml:2:1: duplicate key "extends"; first set at line 1`,
	}, {
		name:  "unset variable without default",
		files: map[string]string{"main.yaml": "datasource:\n  brokers: ${HOST:localhost}:${KAFKA_PORT}\n"},
		want:  `main.yaml:2:12: environment variable "KAFKA_PORT" is not set and has no default; write ${KAFKA_PORT:default} to give one`,
	}, {
		name:  "unset variable in a parent is positioned in the parent",
		files: map[string]string{"main.yaml": "extends: base.yaml\n", "base.yaml": "\n\nuser: ${USER_NAME}\n"},
		want:  `base.yaml:3:7: environment variable "USER_NAME" is not set and has no default; write ${USER_NAME:default} to give one`,
	}, {
		name:  "required variable with message",
		files: map[string]string{"main.yaml": "password: \"${KAFKA_PASS:?set it in the vault}\"\n"},
		want:  `main.yaml:1:11: environment variable "KAFKA_PASS" is not set: set it in the vault`,
	}, {
		name:  "required variable without message",
		files: map[string]string{"main.yaml": "password: ${KAFKA_PASS:?}\n"},
		want:  `main.yaml:1:11: environment variable "KAFKA_PASS" is not set`,
	}, {
		name:  "unset variable in extends",
		files: map[string]string{"main.yaml": "extends: ${ENV}.yaml\n"},
		want:  `main.yaml:1:10: environment variable "ENV" is not set and has no default; write ${ENV:default} to give one`,
	}, {
		name:  "unterminated reference",
		files: map[string]string{"main.yaml": "path: data/${DAY.csv\n"},
		want:  `main.yaml:1:7: unterminated "${" in "data/${DAY.csv"; write ${NAME} or ${NAME:default}`,
	}, {
		name:  "invalid variable name",
		files: map[string]string{"main.yaml": "path: ${1DAY:x}\n"},
		want:  `main.yaml:1:7: invalid variable reference "${1DAY:x}"; names are letters, digits and underscores`,
	}, {
		name:  "unknown schema field key",
		files: map[string]string{"main.yaml": "schema:\n  fields:\n    - name: id\n      type: int\n      nulable: false\n"},
		want:  `main.yaml:5:7: unknown schema field key "nulable"; known: name, type, nullable, precision, scale, format`,
	}, {
		name:  "schema field without name",
		files: map[string]string{"main.yaml": "schema.fields:\n  - name: id\n    type: int\n  - type: int\n"},
		want:  `main.yaml:4:5: schema field has no name; add "name: <column>"`,
	}, {
		name:  "schema field without type",
		files: map[string]string{"main.yaml": "schema.fields:\n  - name: id\n"},
		want:  `main.yaml:2:5: schema field "id" has no type; add "type: <type>" (one of string, varchar, text, int, integer, bigint, long, double, float, decimal, boolean, bool, timestamp)`,
	}, {
		name:  "schema field with an empty name",
		files: map[string]string{"main.yaml": "schema.fields:\n  - name: ''\n    type: int\n"},
		want:  `main.yaml:2:11: schema field name is empty`,
	}, {
		name:  "unknown schema field type",
		files: map[string]string{"main.yaml": "schema.fields:\n  - name: id\n    type: uuid\n"},
		want:  `main.yaml:3:11: unknown schema field type "uuid"; known: string, varchar, text, int, integer, bigint, long, double, float, decimal, boolean, bool, timestamp`,
	}, {
		name:  "unknown timestamp format",
		files: map[string]string{"main.yaml": "schema.fields:\n  - name: ts\n    type: timestamp\n    timestamp_format: unix\n"},
		want:  `main.yaml:4:23: unknown timestamp format "unix"; known: epoch_millis, epoch_seconds, iso8601`,
	}, {
		name:  "format and timestamp_format together",
		files: map[string]string{"main.yaml": "schema.fields:\n  - name: ts\n    type: timestamp\n    format: iso8601\n    timestamp_format: iso8601\n"},
		want:  `main.yaml:5:5: schema field key "timestamp_format" repeats "format" at line 4`,
	}, {
		name:  "format on a non-timestamp field",
		files: map[string]string{"main.yaml": "schema.fields:\n  - name: n\n    format: iso8601\n    type: int\n"},
		want:  `main.yaml:3:5: format applies only to timestamp fields; "n" is int`,
	}, {
		name:  "precision on a non-decimal field",
		files: map[string]string{"main.yaml": "schema.fields:\n  - name: n\n    type: double\n    scale: 2\n"},
		want:  `main.yaml:4:5: scale applies only to decimal fields; "n" is double`,
	}, {
		name:  "scale exceeds precision",
		files: map[string]string{"main.yaml": "schema.fields:\n  - name: p\n    type: decimal\n    scale: 5\n    precision: 3\n"},
		want:  `main.yaml:4:5: scale 5 exceeds precision 3 of "p"`,
	}, {
		name:  "precision is not a number",
		files: map[string]string{"main.yaml": "schema.fields:\n  - name: p\n    type: decimal\n    precision: 10.5\n"},
		want:  `main.yaml:4:16: precision must be a positive whole number, found "10.5"`,
	}, {
		name:  "negative scale",
		files: map[string]string{"main.yaml": "schema.fields:\n  - name: p\n    type: decimal\n    scale: -1\n"},
		want:  `main.yaml:4:12: scale must be a non-negative whole number, found "-1"`,
	}, {
		name:  "nullable is not a bool",
		files: map[string]string{"main.yaml": "schema.fields:\n  - name: p\n    type: int\n    nullable: maybe\n"},
		want:  `main.yaml:4:15: nullable must be true or false, found "maybe"`,
	}, {
		name:  "schema field value is a list",
		files: map[string]string{"main.yaml": "schema.fields:\n  - name: [a, b]\n    type: int\n"},
		want:  `main.yaml:2:11: schema field name must be a single value, found a list`,
	}, {
		name:  "duplicate schema field",
		files: map[string]string{"main.yaml": "schema.fields:\n  - {name: id, type: int}\n  - {name: ID, type: text}\n"},
		want:  `main.yaml:3:5: duplicate schema field "ID"; first declared at line 2`,
	}, {
		name:  "schema field entry is not a mapping",
		files: map[string]string{"main.yaml": "schema.fields:\n  - id\n"},
		want:  `main.yaml:2:5: each schema field must be a mapping such as "- name: id", found a single value ("id")`,
	}, {
		name:  "schema.fields is not a list",
		files: map[string]string{"main.yaml": "datasource:\n  schema:\n    fields:\n      id: int\n"},
		want:  `main.yaml:3:5: datasource.schema.fields must be a list of fields such as "- name: id"`,
	}, {
		name:  "schema.fields in two places",
		files: map[string]string{"main.yaml": "schema.fields: []\ndatasource.schema.fields: []\n"},
		want:  `main.yaml:2:27: schema fields are given in both "schema.fields" and "datasource.schema.fields"; keep one`,
	}, {
		name:  "YAML syntax error",
		files: map[string]string{"main.yaml": "path: x\nformat: csv\nbad line\nnext: 1\n"},
		want:  `main.yaml:3:1: invalid YAML: could not find expected ':'`,
	}, {
		name:  "YAML syntax error in a parent",
		files: map[string]string{"main.yaml": "extends: base.yaml\n", "base.yaml": "a: [1, 2\n"},
		want:  `base.yaml:1:1: invalid YAML: did not find expected ',' or ']'`,
	}, {
		name:  "YAML error without a line",
		files: map[string]string{"main.yaml": "a: *nowhere\n"},
		want:  `main.yaml: invalid YAML: unknown anchor 'nowhere' referenced`,
	}, {
		name:  "top level is a list",
		files: map[string]string{"main.yaml": "# settings\n- path: x\n"},
		want:  `main.yaml:2:1: config file must be a mapping of settings such as "path: orders.csv", found a list`,
	}, {
		name:  "top level is a scalar",
		files: map[string]string{"main.yaml": "orders.csv\n"},
		want:  `main.yaml:1:1: config file must be a mapping of settings such as "path: orders.csv", found a single value ("orders.csv")`,
	}, {
		name:  "empty file",
		files: map[string]string{"main.yaml": "# nothing yet\n"},
		want:  `main.yaml:1:1: config file is empty; expected a mapping of settings such as "path: orders.csv"`,
	}, {
		name:  "UTF-16",
		files: map[string]string{"main.yaml": "\xff\xfep\x00:\x00 \x00x\x00\n\x00"},
		want:  `main.yaml:1:1: config file is UTF-16; save it as UTF-8`,
	}, {
		name:  "two documents",
		files: map[string]string{"main.yaml": "path: x\n---\npath: y\n"},
		want:  `main.yaml:3:1: config file holds more than one YAML document; put all settings in one`,
	}, {
		name:  "two documents after an empty one",
		files: map[string]string{"main.yaml": "path: x\n---\n---\n# note\n---\npath: y\n"},
		want:  `main.yaml:6:1: config file holds more than one YAML document; put all settings in one`,
	}, {
		name:  "duplicate key",
		files: map[string]string{"main.yaml": "path: x\nformat: csv\npath: y\n"},
		want:  `main.yaml:3:1: duplicate key "path"; first set at line 1`,
	}, {
		name:  "dotted and nested spellings of one key",
		files: map[string]string{"main.yaml": "event:\n  time:\n    field: ts\nevent.time.field: ts\n"},
		want:  `main.yaml:4:1: duplicate key "event.time.field"; first set at line 3`,
	}, {
		name:  "repeated nested key is reported at its own line",
		files: map[string]string{"main.yaml": "a:\n  b: 1\na:\n  c: 2\n  b: 3\n"},
		want:  `main.yaml:5:3: duplicate key "a.b"; first set at line 2`,
	}, {
		name:  "dotted key below a scalar",
		files: map[string]string{"main.yaml": "event: ts\nevent.time: x\n"},
		want:  `main.yaml:2:1: key "event.time" conflicts with "event" set at line 1`,
	}, {
		name:  "empty key part",
		files: map[string]string{"main.yaml": "datasource:\n  config..path: x\n"},
		want:  `main.yaml:2:3: key "datasource.config..path" has an empty part between dots`,
	}, {
		name:  "mapping key",
		files: map[string]string{"main.yaml": "? [a, b]\n: x\n"},
		want:  `main.yaml:1:3: keys must be plain names, found a list`,
	}, {
		name:  "alias inside the mapping it names",
		files: map[string]string{"main.yaml": "a: &a\n  b: 1\n  c: *a\n"},
		want:  `main.yaml:3:6: YAML alias "*a" is used inside the mapping it names`,
	}, {
		name: "aliases expanding into too many keys",
		files: map[string]string{"main.yaml": "" +
			"a: &a {k0: 0, k1: 1, k2: 2, k3: 3, k4: 4, k5: 5, k6: 6, k7: 7, k8: 8, k9: 9}\n" +
			"b: &b {k0: *a, k1: *a, k2: *a, k3: *a, k4: *a, k5: *a, k6: *a, k7: *a, k8: *a, k9: *a}\n" +
			"c: &c {k0: *b, k1: *b, k2: *b, k3: *b, k4: *b, k5: *b, k6: *b, k7: *b, k8: *b, k9: *b}\n" +
			"d: &d {k0: *c, k1: *c, k2: *c, k3: *c, k4: *c, k5: *c, k6: *c, k7: *c, k8: *c, k9: *c}\n" +
			"e: {k0: *d, k1: *d, k2: *d, k3: *d, k4: *d, k5: *d, k6: *d, k7: *d, k8: *d, k9: *d}\n"},
		want: `main.yaml:2:80: config file has more than 10000 keys, counting each use of a YAML alias`,
	}, {
		name:  "merge key",
		files: map[string]string{"main.yaml": "base: &b {x: 1}\nsink:\n  <<: *b\n"},
		want:  `main.yaml:3:3: YAML merge keys (<<) are not supported; use "extends: file.yaml" to inherit settings`,
	}}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := configTestWrite(t, tt.files)
			_, err := loadConfig("main.yaml", configTestReader(dir), configTestEnv(tt.env))
			if err == nil {
				t.Fatalf("loadConfig succeeded, want error %q", tt.want)
			}
			if err.Error() != tt.want {
				t.Errorf("error:\n got %s\nwant %s", err, tt.want)
			}
			var ce *configError
			if !errors.As(err, &ce) {
				t.Fatalf("error %q is a %T, want *configError", err, err)
			}
			configTestCheckSpan(t, ce, tt.files[ce.File])
		})
	}
}

// configTestLineBreaks splits text into lines at the breaks YAML counts: CR LF, CR, LF, NEL, LS and PS.
var configTestLineBreaks = strings.NewReplacer("\r\n", "\n", "\r", "\n", "\u0085", "\n", "\u2028", "\n", "\u2029", "\n")

// configTestCheckSpan fails if ce's position is not inside text, the file it names. Line 0 (no line known) passes,
// since Error then prints no position at all.
func configTestCheckSpan(t *testing.T, ce *configError, text string) {
	t.Helper()
	if ce.Line == 0 {
		return
	}
	lines := strings.Split(configTestLineBreaks.Replace(text), "\n")
	if ce.Line < 1 || ce.Line > len(lines) || ce.Col < 1 || ce.Col > len([]rune(lines[ce.Line-1]))+1 {
		t.Errorf("position %d:%d is outside %s (%d lines)", ce.Line, ce.Col, ce.File, len(lines))
	}
}

// TestLoadConfigUnreadable checks that failing to read the top-level file is not a *configError (it has no position
// in any config file; the caller positions it at the WITH property) and keeps the cause for errors.Is.
func TestLoadConfigUnreadable(t *testing.T) {
	_, err := loadConfig("nope.yaml", configTestReader(t.TempDir()), configTestEnv(nil))
	var ce *configError
	if err == nil || errors.As(err, &ce) || !errors.Is(err, fs.ErrNotExist) {
		t.Fatalf("loadConfig(nope.yaml) = %v, want a plain error wrapping fs.ErrNotExist", err)
	}
	if !strings.HasPrefix(err.Error(), `cannot read config file "nope.yaml": `) {
		t.Errorf("error = %q", err)
	}
}

// FuzzLoadConfig checks that no input panics and that every diagnostic lies inside the file it names.
func FuzzLoadConfig(f *testing.F) {
	for _, seed := range []string{
		"path: x\n",
		"extends: main.yaml\n",
		"a: ${X:1}\nschema.fields:\n  - {name: a, type: decimal, precision: 3, scale: 1}\n",
		"a:\n  b: 1\na.b: 2\n",
		"- x\n",
		"a: &a [*a]\n",
		"k: [1,\n",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, text string) {
		read := func(p string) ([]byte, error) {
			if p == "main.yaml" {
				return []byte(text), nil
			}
			return nil, fs.ErrNotExist
		}
		_, err := loadConfig("main.yaml", read, configTestEnv(map[string]string{"X": "x"}))
		var ce *configError
		if errors.As(err, &ce) {
			configTestCheckSpan(t, ce, text)
		}
	})
}
