package markdown

import (
	"bytes"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// linkify turns bare addresses (https://…, www.…, name@domain) into links
// exactly as goldmark's extension.Linkify does with its default settings,
// but matches the addresses by hand instead of with its regular
// expressions: their counted repetition ({1,256}) keeps up to 256 threads
// of Go's regexp machine alive on every space, '_', '*', '~' or '(' that
// precedes "www.", which made a 256 KB answer take seconds. Here each
// attempt reads at most 257 bytes before the path.
//
// Parse follows goldmark v1.8.7's linkifyParser.Parse (MIT licence,
// Copyright (c) 2019 Yusuke Inuzuka); TestLinkifyAsGoldmark compares the
// two on generated texts.
type linkify struct{}

// Extend adds the parser at goldmark's priority for Linkify.
func (linkify) Extend(m goldmark.Markdown) {
	m.Parser().AddOptions(parser.WithInlineParsers(util.Prioritized(linkify{}, 999)))
}

// Trigger: ' ' stands for any white space and a line's start.
func (linkify) Trigger() []byte { return []byte{' ', '*', '_', '~', '('} }

var (
	protoHTTP  = []byte("http:")
	protoHTTPS = []byte("https:")
	protoFTP   = []byte("ftp:")
	domainWWW  = []byte("www.")
)

func (linkify) Parse(parent ast.Node, block text.Reader, pc parser.Context) ast.Node {
	if pc.IsInLinkLabel() {
		return nil
	}
	line, segment := block.PeekLine()
	consumes := 0
	start := segment.Start
	c := line[0]
	if c == ' ' || c == '*' || c == '_' || c == '~' || c == '(' {
		consumes++
		start++
		line = line[1:]
	}
	end := -1
	var protocol []byte
	typ := ast.AutoLinkURL
	if bytes.HasPrefix(line, protoHTTP) || bytes.HasPrefix(line, protoHTTPS) || bytes.HasPrefix(line, protoFTP) {
		end = matchURL(line)
	}
	if end < 0 && bytes.HasPrefix(line, domainWWW) {
		end = matchWWW(line)
		protocol = []byte("http")
	}
	if end < 0 {
		if len(line) > 0 && util.IsPunct(line[0]) {
			return nil
		}
		typ = ast.AutoLinkEmail
		stop := util.FindEmailIndex(line)
		if stop < 0 {
			return nil
		}
		at := bytes.IndexByte(line, '@')
		if bytes.IndexByte(line[at:stop-1], '.') < 0 {
			return nil
		}
		end = stop
		if line[end-1] == '.' {
			end--
		}
		if end < len(line) {
			if next := line[end]; next == '-' || next == '_' {
				return nil
			}
		}
	}
	if consumes != 0 {
		ast.MergeOrAppendTextSegment(parent, segment.WithStop(segment.Start+1))
	}
	opening := bytes.Count(line[:end], []byte{'('})
	closing := bytes.Count(line[:end], []byte{')'})
	i := end
loop:
	for i > 1 {
		switch line[i-1] {
		case '?', '!', '.', ',', ':', '*', '_', '~':
			i--
		case ')':
			if closing <= opening {
				break loop
			}
			closing--
			i--
		case ';':
			j := i - 2
			for ; j > 0 && util.IsAlphaNumeric(line[j]); j-- {
			}
			if j == i-2 || line[j] != '&' {
				break loop
			}
			i = j
		default:
			break loop
		}
	}
	consumes += i
	block.Advance(consumes)
	link := ast.NewAutoLink(typ, ast.NewTextSegment(text.NewSegment(start, start+i)))
	link.Protocol = protocol
	return link
}

func (linkify) CloseBlock(ast.Node, parser.Context) {}

// Byte classes of goldmark's default expressions:
//
//	url: ^(?:http|https|ftp)://[host]{1,256}\.[a-z]+(?::\d+)?(?:[/#?][urlPath]*)?
//	www: ^www\.[host]{1,256}\.[a-z]+(?:[/#?][wwwPath]*)?
var (
	host    = byteClass("-@:%._+~#=")
	wwwPath = byteClass("-@:%_+.~#!?&/=();,'\">^{}[]`")
	urlPath = byteClass("-@:%_+.~#$!?&/=();,'\">^{}[]`")
)

// byteClass answers the table of ASCII letters, digits and extra.
func byteClass(extra string) *[256]bool {
	t := new([256]bool)
	for c := 'a'; c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = true, true
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for i := 0; i < len(extra); i++ {
		t[extra[i]] = true
	}
	return t
}

// matchURL answers the end of the url expression's match at the start of
// line, or -1.
func matchURL(line []byte) int {
	var i int
	switch {
	case bytes.HasPrefix(line, []byte("http://")):
		i = 7
	case bytes.HasPrefix(line, []byte("https://")):
		i = 8
	case bytes.HasPrefix(line, []byte("ftp://")):
		i = 6
	default:
		return -1
	}
	return matchHost(line, i, true, urlPath)
}

// matchWWW answers the end of the www expression's match at the start of
// line, or -1.
func matchWWW(line []byte) int {
	if !bytes.HasPrefix(line, domainWWW) {
		return -1
	}
	return matchHost(line, len(domainWWW), false, wwwPath)
}

// matchHost matches [host]{1,256}\.[a-z]+, with port (?::\d+)? when port,
// then (?:[/#?][path]*)?, from line[i:], as leftmost-first regular
// expressions do: the host part takes the most bytes after which "." and a
// letter follow.
func matchHost(line []byte, i int, port bool, path *[256]bool) int {
	run := 0 // host bytes from i, at most 257
	for run < 257 && i+run < len(line) && host[line[i+run]] {
		run++
	}
	k := min(256, run-1)
	for ; k >= 1; k-- {
		if p := i + k; line[p] == '.' && p+1 < len(line) && line[p+1] >= 'a' && line[p+1] <= 'z' {
			break
		}
	}
	if k < 1 {
		return -1
	}
	j := i + k + 1
	for j < len(line) && line[j] >= 'a' && line[j] <= 'z' {
		j++
	}
	if port && j+1 < len(line) && line[j] == ':' && isDigit(line[j+1]) {
		j += 2
		for j < len(line) && isDigit(line[j]) {
			j++
		}
	}
	if j < len(line) && (line[j] == '/' || line[j] == '#' || line[j] == '?') {
		j++
		for j < len(line) && path[line[j]] {
			j++
		}
	}
	return j
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }
