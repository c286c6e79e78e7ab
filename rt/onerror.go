// --on-error and --dead-letter: the job's command line overrides the on.error policy and dead-letter file (or
// topic, kafka:TOPIC) of its sources, for every source or per source.

package rt

import (
	"fmt"
	"maps"
	"slices"
)

// onErrorFlags are the --on-error and --dead-letter flags of one command line. The key "" stands for every
// source; a source's own entry wins over it, whatever the order of the flags.
type onErrorFlags struct {
	policy map[string]string // --on-error [NAME=]POLICY
	dead   map[string]string // --dead-letter [NAME=]PATH, or [NAME=]kafka:TOPIC
	given  map[string]string // the --dead-letter values as given, for error messages
}

// set records one --on-error or --dead-letter value (flag is "on-error" or "dead-letter"). A value with '=' names
// a source: the policy or path after it is that source's only.
func (f *onErrorFlags) set(j *Job, flag, v string) error {
	name, val := "", v
	if n, rest, ok := cutSourceName(v); ok {
		name, val = n, rest
		var names []string
		for _, s := range j.Sources {
			names = append(names, s.Name)
		}
		if !slices.Contains(names, name) {
			return fmt.Errorf("--%s %s: the job has no source %q; %s", flag, v, name, listNames("source", names))
		}
	}
	if flag == "on-error" {
		switch val {
		case "fail", "skip", "dead_letter":
		default:
			return fmt.Errorf("flag --on-error wants fail, skip or dead_letter (for one source: NAME=POLICY), got %q", v)
		}
		if f.policy == nil {
			f.policy = map[string]string{}
		}
		f.policy[name] = val
		return nil
	}
	if val == "" || val == deadTopicScheme {
		return fmt.Errorf("flag --dead-letter wants a file path or kafka:TOPIC (for one source: NAME=PATH or NAME=kafka:TOPIC), got %q", v)
	}
	if f.dead == nil {
		f.dead, f.given = map[string]string{}, map[string]string{}
	}
	f.dead[name], f.given[name] = val, v
	return nil
}

// cutSourceName splits "NAME=REST". A value without '=' is not per source; so a dead-letter path that contains
// '=' is given as NAME=PATH, or with a directory prefix (./a=b.jsonl) that is no source name.
func cutSourceName(v string) (name, rest string, ok bool) {
	for i := 0; i < len(v); i++ {
		switch v[i] {
		case '=':
			return v[:i], v[i+1:], true
		case '/', '\\':
			return "", "", false
		}
	}
	return "", "", false
}

// effective returns the policy and dead-letter file (or kafka:TOPIC) source spec gets under the flags. A source
// that dead-letters without a file or topic from the script or the flags gets the compiler's default,
// NAME.dead_letter.jsonl.
func (f *onErrorFlags) effective(spec SourceSpec) (policy, dead string) {
	policy, dead = spec.OnError, spec.DeadLetter
	if p, ok := f.policy[spec.Name]; ok {
		policy = p
	} else if p, ok := f.policy[""]; ok {
		policy = p
	}
	if policy != "dead_letter" && !spec.LateDeadLetter {
		return policy, ""
	}
	if d, ok := f.dead[spec.Name]; ok {
		dead = d
	} else if d, ok := f.dead[""]; ok {
		dead = d
	}
	if dead == "" {
		dead = spec.Name + ".dead_letter.jsonl"
	}
	return policy, dead
}

// check reports a --dead-letter that no source would use: its source does not dead-letter bad records, or none
// does, once every flag is known.
func (f *onErrorFlags) check(j *Job) error {
	for _, name := range slices.Sorted(maps.Keys(f.given)) {
		v := f.given[name]
		if name != "" {
			for _, s := range j.Sources {
				if p, _ := f.effective(s); s.Name == name && p != "dead_letter" && !s.LateDeadLetter {
					return fmt.Errorf("--dead-letter %s: source %q does not dead-letter bad records (its on.error is %s); add --on-error %s=dead_letter",
						v, name, firstNonEmpty(p, "fail"), name)
				}
			}
			continue
		}
		used := false
		for _, s := range j.Sources {
			if p, _ := f.effective(s); p == "dead_letter" || s.LateDeadLetter {
				used = true
			}
		}
		if !used {
			return fmt.Errorf("--dead-letter %s: no source of the job dead-letters bad records; add --on-error dead_letter", v)
		}
	}
	return nil
}

// apply returns j with the flags' policies and dead-letter files in its sources, or j itself without such flags.
func (f *onErrorFlags) apply(j *Job) *Job {
	if f.policy == nil && f.dead == nil {
		return j
	}
	c := *j
	c.Sources = slices.Clone(j.Sources)
	for i := range c.Sources {
		c.Sources[i].OnError, c.Sources[i].DeadLetter = f.effective(c.Sources[i])
	}
	return &c
}
