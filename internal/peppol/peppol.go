// Package peppol checks Peppol BIS Billing 3.0 invoices (EHF in Norway)
// against the official rules: the UBL 2.1 schema with xmllint, then the
// CEN EN 16931 and Peppol schematron rules (release 3.0.19, which includes
// the Norwegian NO-R rules), precompiled to XSLT, with Saxon-HE on Java.
//
// It is a test concern: the rules are test data in testdata/ (see its
// README.md for their sources and licences), found next to this file's
// source, and the tools are Debian's libxml2-utils, default-jre-headless and
// libsaxonhe-java, which the test command installs. A missing tool is an
// error, never a pass.
package peppol

import (
	"bytes"
	"context"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
)

// Source names the stage that found a failure.
const (
	SourceXSD    = "UBL-2.1-XSD"
	SourceCEN    = "CEN-EN16931-UBL"
	SourcePeppol = "PEPPOL-EN16931-UBL"
)

// Failure is one failed rule: a schema error or a failed schematron assert.
type Failure struct {
	Source   string // SourceXSD, SourceCEN or SourcePeppol
	ID       string // rule id: BR-CO-10, PEPPOL-EN16931-R001, NO-R-001; "XSD" for schema errors
	Flag     string // "fatal", "error" or "warning" as the rule says; schema errors are "fatal"
	Text     string // the rule's message
	Location string // XPath of the node (schematron) or line (schema)
}

// Fatal says whether the failure makes the invoice invalid. Warnings do not.
func (f Failure) Fatal() bool { return f.Flag != "warning" && f.Flag != "information" }

func (f Failure) String() string {
	return fmt.Sprintf("%s %s [%s] %s (at %s)", f.Source, f.ID, f.Flag, f.Text, f.Location)
}

// Report is the outcome of checking one invoice.
type Report struct {
	Failures []Failure
}

// Fatal is the failures that make the invoice invalid.
func (r Report) Fatal() []Failure { return r.filter(true) }

// Warnings is the failures that do not make the invoice invalid.
func (r Report) Warnings() []Failure { return r.filter(false) }

func (r Report) filter(fatal bool) []Failure {
	var out []Failure
	for _, f := range r.Failures {
		if f.Fatal() == fatal {
			out = append(out, f)
		}
	}
	return out
}

// Valid says whether no fatal failure was found.
func (r Report) Valid() bool { return len(r.Fatal()) == 0 }

// Failed returns the failures of the rule with this id.
func (r Report) Failed(id string) []Failure {
	var out []Failure
	for _, f := range r.Failures {
		if f.ID == id {
			out = append(out, f)
		}
	}
	return out
}

func (r Report) String() string {
	var b strings.Builder
	for _, f := range r.Failures {
		b.WriteString(f.String())
		b.WriteByte('\n')
	}
	return b.String()
}

// Files are the rule files used.
type Files struct {
	InvoiceXSD string // UBL-Invoice-2.1.xsd (its common/ next to it)
	CENXSLT    string
	PeppolXSLT string
}

// DefaultFiles are the files in this package's testdata, found from its
// source directory so that any package's test can use them.
func DefaultFiles() Files {
	_, file, _, _ := runtime.Caller(0)
	dir := filepath.Join(filepath.Dir(file), "testdata")
	return Files{
		InvoiceXSD: filepath.Join(dir, "ubl-2.1", "maindoc", "UBL-Invoice-2.1.xsd"),
		CENXSLT:    filepath.Join(dir, "peppol-bis-3.0.19", "xslt", "CEN-EN16931-UBL.xslt"),
		PeppolXSLT: filepath.Join(dir, "peppol-bis-3.0.19", "xslt", "PEPPOL-EN16931-UBL.xslt"),
	}
}

// saxonJars are where Debian's libsaxonhe-java puts Saxon-HE 9.9.
var saxonJars = []string{"/usr/share/java/Saxon-HE.jar", "/usr/share/java/Saxon-HE-9.9.1.5.jar"}

// Tools are the programs run.
type Tools struct {
	Xmllint  string
	Java     string
	SaxonJar string
}

// FindTools finds xmllint, java and the Saxon-HE jar ($SAXON_JAR first, then
// Debian's place), or says which is missing and which package brings it.
func FindTools() (Tools, error) {
	var t Tools
	var missing []string
	var err error
	if t.Xmllint, err = exec.LookPath("xmllint"); err != nil {
		missing = append(missing, "xmllint (Debian: libxml2-utils)")
	}
	if t.Java, err = exec.LookPath("java"); err != nil {
		missing = append(missing, "java (Debian: default-jre-headless)")
	}
	jars := saxonJars
	if env := os.Getenv("SAXON_JAR"); env != "" {
		jars = []string{env}
	}
	for _, j := range jars {
		if st, err := os.Stat(j); err == nil && !st.IsDir() {
			t.SaxonJar = j
			break
		}
	}
	if t.SaxonJar == "" {
		missing = append(missing, "Saxon-HE jar at "+strings.Join(jars, " or ")+" (Debian: libsaxonhe-java)")
	}
	if len(missing) > 0 {
		return t, fmt.Errorf("peppol: missing tools: %s", strings.Join(missing, "; "))
	}
	return t, nil
}

// Check checks one invoice with the default files and tools.
func Check(ctx context.Context, invoice []byte) (Report, error) {
	rs, err := CheckAll(ctx, invoice)
	if err != nil {
		return Report{}, err
	}
	return rs[0], nil
}

// CheckAll checks several invoices, one report each in order. Each XSLT is
// compiled once for the whole batch: Java's start and the compilation are
// most of the time (a second or two).
func CheckAll(ctx context.Context, invoices ...[]byte) ([]Report, error) {
	tools, err := FindTools()
	if err != nil {
		return nil, err
	}
	return Checker{Tools: tools, Files: DefaultFiles()}.CheckAll(ctx, invoices...)
}

// Checker runs given tools with given rule files.
type Checker struct {
	Tools Tools
	Files Files
}

// CheckAll checks the invoices: schema first, then both schematron
// stylesheets (concurrently) over the batch.
func (c Checker) CheckAll(ctx context.Context, invoices ...[]byte) ([]Report, error) {
	if len(invoices) == 0 {
		return nil, errors.New("peppol: no invoice to check")
	}
	for _, f := range []string{c.Files.InvoiceXSD, c.Files.CENXSLT, c.Files.PeppolXSLT} {
		if _, err := os.Stat(f); err != nil {
			return nil, fmt.Errorf("peppol: rule file: %w", err)
		}
	}
	dir, err := os.MkdirTemp("", "peppol-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	// in holds every invoice for the schema; sch holds the well-formed ones
	// for the stylesheets (Saxon stops a batch at the first that is not).
	in, sch := filepath.Join(dir, "in"), filepath.Join(dir, "sch")
	for _, d := range []string{in, sch} {
		if err := os.Mkdir(d, 0o755); err != nil {
			return nil, err
		}
	}
	reports := make([]Report, len(invoices))
	var names []string // files in sch
	var which []int    // the invoice each is
	for i, doc := range invoices {
		name := fmt.Sprintf("invoice-%03d.xml", i)
		file := filepath.Join(in, name)
		if err := os.WriteFile(file, doc, 0o644); err != nil {
			return nil, err
		}
		fs, err := c.schema(ctx, file)
		if err != nil {
			return nil, err
		}
		reports[i].Failures = append(reports[i].Failures, fs...)
		if !wellFormed(doc) {
			// Never a pass unseen: the rules did not run on it.
			if len(fs) == 0 {
				reports[i].Failures = append(reports[i].Failures, Failure{Source: SourceXSD, ID: "XSD", Flag: "fatal",
					Text: "not well-formed UTF-8 XML with one root element: the rules could not run"})
			}
			continue
		}
		if err := os.WriteFile(filepath.Join(sch, name), doc, 0o644); err != nil {
			return nil, err
		}
		names, which = append(names, name), append(which, i)
	}
	if len(names) == 0 {
		return reports, nil
	}

	stages := []struct{ source, xslt string }{{SourceCEN, c.Files.CENXSLT}, {SourcePeppol, c.Files.PeppolXSLT}}
	results := make([][][]Failure, len(stages))
	errs := make([]error, len(stages))
	var wg sync.WaitGroup
	for s, st := range stages {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[s], errs[s] = c.schematron(ctx, st.source, st.xslt, dir, sch, names)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	for s := range stages {
		for k, i := range which {
			reports[i].Failures = append(reports[i].Failures, results[s][k]...)
		}
	}
	return reports, nil
}

// wellFormed says whether the document parses as XML with one root element.
func wellFormed(doc []byte) bool {
	d := xml.NewDecoder(bytes.NewReader(doc))
	roots := 0
	depth := 0
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return roots == 1 && depth == 0
		}
		if err != nil {
			return false
		}
		switch tok.(type) {
		case xml.StartElement:
			if depth == 0 {
				roots++
			}
			depth++
		case xml.EndElement:
			depth--
		}
	}
}

// schema validates one file against the UBL 2.1 invoice schema. xmllint
// exits 3 on a document that does not validate (its messages on stderr,
// one a line as "file:line: ... : message"); other failures are errors of
// the check itself.
func (c Checker) schema(ctx context.Context, file string) ([]Failure, error) {
	cmd := exec.CommandContext(ctx, c.Tools.Xmllint, "--noout", "--nonet", "--schema", c.Files.InvoiceXSD, file)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	err := cmd.Run()
	if err == nil {
		return nil, nil
	}
	var exit *exec.ExitError
	if !errors.As(err, &exit) || (exit.ExitCode() != 3 && exit.ExitCode() != 1) {
		return nil, fmt.Errorf("peppol: xmllint: %v: %s", err, stderr.String())
	}
	var fs []Failure
	for _, line := range strings.Split(stderr.String(), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasSuffix(line, " fails to validate") {
			continue
		}
		f := Failure{Source: SourceXSD, ID: "XSD", Flag: "fatal", Text: line}
		if rest, ok := strings.CutPrefix(line, file+":"); ok {
			if n, msg, ok := strings.Cut(rest, ":"); ok {
				if _, err := strconv.Atoi(n); err == nil {
					f.Location = "line " + n
					f.Text = strings.TrimSpace(msg)
				}
			}
		}
		fs = append(fs, f)
	}
	if len(fs) == 0 {
		// Not well-formed or unreadable: still an invalid invoice.
		fs = append(fs, Failure{Source: SourceXSD, ID: "XSD", Flag: "fatal", Text: "xmllint: " + err.Error()})
	}
	return fs, nil
}

// schematron runs one stylesheet over every file in the directory in, in
// one Java process, and reads the SVRL each file gives.
func (c Checker) schematron(ctx context.Context, source, xslt, dir, in string, names []string) ([][]Failure, error) {
	out := filepath.Join(dir, "svrl-"+source)
	if err := os.Mkdir(out, 0o755); err != nil {
		return nil, err
	}
	src, dst := in, out
	if len(names) == 1 {
		src, dst = filepath.Join(in, names[0]), filepath.Join(out, names[0])
	}
	// The quick compiler alone and one GC thread halve the CPU time of a
	// short run (most of it is compiling the stylesheet).
	cmd := exec.CommandContext(ctx, c.Tools.Java, "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
		"-cp", c.Tools.SaxonJar, "net.sf.saxon.Transform",
		"-s:"+src, "-xsl:"+xslt, "-o:"+dst)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("peppol: saxon with %s: %v: %s", filepath.Base(xslt), err, stderr.String())
	}
	results := make([][]Failure, len(names))
	for i, name := range names {
		data, err := os.ReadFile(filepath.Join(out, name))
		if err != nil {
			return nil, fmt.Errorf("peppol: saxon with %s wrote no report for %s: %v: %s", filepath.Base(xslt), name, err, stderr.String())
		}
		fs, err := ParseSVRL(source, data)
		if err != nil {
			return nil, err
		}
		results[i] = fs
	}
	return results, nil
}

// ParseSVRL reads the failed asserts and successful reports of an SVRL
// document. A rule without a flag counts as fatal.
func ParseSVRL(source string, svrl []byte) ([]Failure, error) {
	const ns = "http://purl.oclc.org/dsdl/svrl"
	var doc struct {
		XMLName xml.Name `xml:"http://purl.oclc.org/dsdl/svrl schematron-output"`
		Items   []struct {
			XMLName  xml.Name
			ID       string `xml:"id,attr"`
			Flag     string `xml:"flag,attr"`
			Location string `xml:"location,attr"`
			Text     string `xml:"http://purl.oclc.org/dsdl/svrl text"`
		} `xml:",any"`
	}
	if err := xml.Unmarshal(svrl, &doc); err != nil {
		return nil, fmt.Errorf("peppol: %s: reading SVRL: %w", source, err)
	}
	var fs []Failure
	for _, it := range doc.Items {
		if it.XMLName.Space != ns || (it.XMLName.Local != "failed-assert" && it.XMLName.Local != "successful-report") {
			continue
		}
		flag := it.Flag
		if flag == "" {
			flag = "fatal"
		}
		fs = append(fs, Failure{Source: source, ID: it.ID, Flag: flag, Text: strings.Join(strings.Fields(it.Text), " "), Location: it.Location})
	}
	return fs, nil
}
