package workbook

import (
	"bytes"
	"fmt"
	"io/fs"
	"path"

	"go.yaml.in/yaml/v3"
)

// Definition is a workbook template as declared in a YAML file (see
// tenants/workbooks/), with filled-in chapters to import for demo
// municipalities.
type Definition struct {
	Network  string             `yaml:"network"` // the network's slug
	Name     string             `yaml:"name"`
	Cycle    string             `yaml:"cycle"`
	Chapters []ChapterDef       `yaml:"chapters"`
	Answers  []DemoAnswerSource `yaml:"demo_answers"`
	// Activity names the demo's life in the network after the chapters
	// were imported (see DemoActivity), relative to the definition.
	Activity string `yaml:"demo_activity"`

	dir string
}

// ChapterDef is a chapter of a Definition.
type ChapterDef struct {
	Title      string         `yaml:"title"`
	Statements []StatementDef `yaml:"statements"`
}

// StatementDef is a problem statement of a Definition.
type StatementDef struct {
	Title     string   `yaml:"title"`
	Guidance  string   `yaml:"guidance"`
	Questions []string `yaml:"questions"`
}

// DemoAnswerSource names a municipality's filled-in chapter: its text
// (as copied out of a PDF) and, when there is one, the same chapter as a
// Word document with its tables, which the demo imports instead.
type DemoAnswerSource struct {
	Municipality string `yaml:"municipality"`
	File         string `yaml:"file"` // relative to the definition
	Word         string `yaml:"word"` // relative to the definition; optional
}

// LoadDefinitions reads every *.yaml file of dir in fsys.
func LoadDefinitions(fsys fs.FS, dir string) ([]*Definition, error) {
	names, err := fs.Glob(fsys, path.Join(dir, "*.yaml"))
	if err != nil {
		return nil, err
	}
	var out []*Definition
	for _, n := range names {
		b, err := fs.ReadFile(fsys, n)
		if err != nil {
			return nil, err
		}
		d := &Definition{dir: path.Dir(n)}
		dec := yaml.NewDecoder(bytes.NewReader(b))
		dec.KnownFields(true)
		if err := dec.Decode(d); err != nil {
			return nil, fmt.Errorf("%s: %w", n, err)
		}
		if d.Network == "" || d.Name == "" || d.Cycle == "" || len(d.Chapters) == 0 {
			return nil, fmt.Errorf("%s: network, name, cycle and chapters are required", n)
		}
		out = append(out, d)
	}
	return out, nil
}

// Spec is the TemplateSpec of the definition (default sections).
func (d *Definition) Spec() TemplateSpec {
	spec := TemplateSpec{Name: d.Name}
	for _, c := range d.Chapters {
		cs := ChapterSpec{Title: c.Title}
		for _, s := range c.Statements {
			cs.Statements = append(cs.Statements, StatementSpec{Title: s.Title, Guidance: s.Guidance, Questions: s.Questions})
		}
		spec.Chapters = append(spec.Chapters, cs)
	}
	return spec
}

// AnswerText reads a demo answer file of the definition.
func (d *Definition) AnswerText(fsys fs.FS, a DemoAnswerSource) (string, error) {
	b, err := fs.ReadFile(fsys, path.Join(d.dir, a.File))
	return string(b), err
}

// AnswerSource reads a demo answer as the demo imports it: the Word
// document with its tables when the definition names one, else the text.
func (d *Definition) AnswerSource(fsys fs.FS, a DemoAnswerSource) (ChapterSource, error) {
	if a.Word == "" {
		text, err := d.AnswerText(fsys, a)
		return ChapterSource{Text: text}, err
	}
	b, err := fs.ReadFile(fsys, path.Join(d.dir, a.Word))
	if err != nil {
		return ChapterSource{}, err
	}
	return ReadChapterFile(b)
}
