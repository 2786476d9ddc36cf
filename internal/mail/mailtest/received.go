package mailtest

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	netmail "net/mail"
	"net/textproto"
	"regexp"
	"strings"
	"unicode/utf8"
)

// Received is one message as the server accepted it.
type Received struct {
	From    string         // envelope sender (MAIL FROM), a bare address
	To      []string       // envelope recipients (RCPT TO), bare addresses
	Subject string         // Subject header, RFC 2047-decoded
	Text    string         // text/plain body, decoded, UTF-8, "\n" line ends
	HTML    string         // text/html body, decoded, UTF-8, "\n" line ends; "" if none
	Header  netmail.Header // the top-level header, as sent (not decoded)
	Raw     []byte         // the message exactly as sent after DATA
	// Attachments are the parts sent as attachments, decoded, in order.
	Attachments []Attachment
}

// Attachment is a file that came with a message.
type Attachment struct {
	Name string // its file name, RFC 2047/2231-decoded
	Type string // its media type, «application/pdf»
	Data []byte
}

// Attachment answers the first attachment of media type typ, if any.
func (r Received) Attachment(typ string) (Attachment, bool) {
	for _, a := range r.Attachments {
		if a.Type == typ {
			return a, true
		}
	}
	return Attachment{}, false
}

// linkRE matches http(s) URLs up to white space or a character that cannot
// end one in running text.
var linkRE = regexp.MustCompile(`https?://[^\s<>"'()\[\]{}]+`)

// Links returns the http and https URLs in Text, in order, without trailing
// sentence punctuation.
func (r Received) Links() []string {
	var links []string
	for _, l := range linkRE.FindAllString(r.Text, -1) {
		links = append(links, strings.TrimRight(l, ".,;:!?"))
	}
	return links
}

// sentTo reports whether addr, normalised, is among r's envelope recipients.
func (r Received) sentTo(addr string) bool {
	for _, to := range r.To {
		if normalize(to) == addr {
			return true
		}
	}
	return false
}

// parse reads raw as an RFC 5322 message and decodes its subject and its
// first text/plain and text/html parts.
func parse(from string, to []string, raw []byte) (Received, error) {
	msg, err := netmail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return Received{}, err
	}
	r := Received{From: from, To: append([]string(nil), to...), Header: msg.Header, Raw: raw}
	if r.Subject, err = new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject")); err != nil {
		return Received{}, fmt.Errorf("subject: %w", err)
	}
	if err := r.walk(textproto.MIMEHeader(msg.Header), msg.Body); err != nil {
		return Received{}, err
	}
	return r, nil
}

// walk descends into multipart bodies and keeps the first text part of each
// kind.
func (r *Received) walk(h textproto.MIMEHeader, body io.Reader) error {
	ct := h.Get("Content-Type")
	if ct == "" {
		ct = "text/plain; charset=us-ascii"
	}
	mediaType, params, err := mime.ParseMediaType(ct)
	if err != nil {
		return fmt.Errorf("content type %q: %w", ct, err)
	}
	if strings.HasPrefix(mediaType, "multipart/") {
		if params["boundary"] == "" {
			return fmt.Errorf("%s without boundary", mediaType)
		}
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextRawPart() // raw: we decode ourselves, uniformly
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return err
			}
			if err := r.walk(p.Header, p); err != nil {
				return err
			}
		}
	}
	disp, dparams, _ := mime.ParseMediaType(h.Get("Content-Disposition"))
	if disp == "attachment" || (mediaType != "text/plain" && mediaType != "text/html") {
		b, err := decode(h.Get("Content-Transfer-Encoding"), body)
		if err != nil {
			return fmt.Errorf("%s attachment: %w", mediaType, err)
		}
		name := dparams["filename"]
		if name == "" {
			name = params["name"]
		}
		if dec, err := new(mime.WordDecoder).DecodeHeader(name); err == nil {
			name = dec
		}
		r.Attachments = append(r.Attachments, Attachment{Name: name, Type: mediaType, Data: b})
		return nil
	}
	switch cs := strings.ToLower(params["charset"]); cs {
	case "", "utf-8", "us-ascii":
	default:
		return fmt.Errorf("%s part in charset %q; mailtest reads UTF-8 only", mediaType, cs)
	}
	b, err := decode(h.Get("Content-Transfer-Encoding"), body)
	if err != nil {
		return fmt.Errorf("%s part: %w", mediaType, err)
	}
	if !utf8.Valid(b) {
		return fmt.Errorf("%s part is not valid UTF-8", mediaType)
	}
	s := strings.ReplaceAll(string(b), "\r\n", "\n")
	if mediaType == "text/plain" && r.Text == "" {
		r.Text = s
	} else if mediaType == "text/html" && r.HTML == "" {
		r.HTML = s
	}
	return nil
}

// decode undoes a Content-Transfer-Encoding.
func decode(cte string, body io.Reader) ([]byte, error) {
	switch strings.ToLower(strings.TrimSpace(cte)) {
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, body) // skips line breaks
	case "", "7bit", "8bit", "binary":
	default:
		return nil, fmt.Errorf("unknown transfer encoding %q", cte)
	}
	return io.ReadAll(body)
}
