// Package mail sends e-mail: invitations, password resets and reminders.
//
// A Message is what a capability wants to say; a Sender delivers it. Two
// Senders exist: SMTP, for a real mail server, and Folder, which writes each
// message as an .eml file and is what the embedded default uses when no SMTP
// host is configured. Both produce the same MIME shape: UTF-8, quoted-printable,
// text/plain alone or multipart/alternative with text/html, and Date and
// Message-ID headers. Package mailtest starts a real SMTP server for tests.
//
// Message bodies often hold one-time tokens: nothing in this package logs them.
package mail

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	netmail "net/mail"
	"strings"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/samvirke/samvirke/internal/app"
)

// Message is one e-mail to one or more recipients.
type Message struct {
	// To holds the recipients as RFC 5322 addresses, with or without a
	// display name: "kari@example.no" or "Kari Nordmann <kari@example.no>".
	To []string
	// Subject is the subject line, any Unicode text; line breaks become spaces.
	Subject string
	// Text is the plain-text body. Required.
	Text string
	// HTML is an optional HTML body, sent as the alternative to Text.
	HTML string
	// ReplyTo is an optional Reply-To address.
	ReplyTo string
	// ID, when set, makes the Message-ID deterministic: «<ID>@<domain of
	// the sender>». A message sent again after a crash (the server
	// accepted it, the sender died before noting so) then carries the same
	// Message-ID, by which mail systems drop the copy. Letters, digits and
	// «.-_» only; empty: a unique random one.
	ID string
	// ListUnsubscribe, when set, is the page where the recipient changes
	// which messages they get (a List-Unsubscribe header).
	ListUnsubscribe string
	// Attachments go with the message as multipart/mixed parts.
	Attachments []Attachment
}

// Attachment is a file sent with a message.
type Attachment struct {
	Name string // file name as the recipient sees it
	Type string // media type, e.g. application/pdf
	Data []byte
}

// MaxAttachments bounds the total size of a message's attachments.
const MaxAttachments = 10 << 20

// Validate reports the first problem of m as an *app.Error with code
// app.EInvalid and Field "to", "reply_to" or "text": no recipient, an address
// net/mail cannot parse, or an empty text body.
func (m Message) Validate() error {
	if len(m.To) == 0 {
		return app.Errorf(app.EInvalid, "error.required").WithField("to")
	}
	for _, to := range m.To {
		if _, err := netmail.ParseAddress(to); err != nil {
			return app.Errorf(app.EInvalid, "account.error.email").WithField("to").Wrap(err)
		}
	}
	if m.ReplyTo != "" {
		if _, err := netmail.ParseAddress(m.ReplyTo); err != nil {
			return app.Errorf(app.EInvalid, "account.error.email").WithField("reply_to").Wrap(err)
		}
	}
	if strings.TrimSpace(m.Text) == "" {
		return app.Errorf(app.EInvalid, "error.required").WithField("text")
	}
	if m.ID != "" && (len(m.ID) > 200 || strings.Trim(m.ID, idChars) != "") {
		return app.Errorf(app.EInvalid, "error.invalid").WithField("id")
	}
	size := 0
	for _, a := range m.Attachments {
		size += len(a.Data)
		if a.Name == "" || a.Type == "" {
			return app.Errorf(app.EInvalid, "error.required").WithField("attachments")
		}
	}
	if size > MaxAttachments {
		return app.Errorf(app.EInvalid, "error.too_long").WithField("attachments")
	}
	return nil
}

// Sender delivers messages. Send validates m first and returns its
// Validate error (wrapped) without delivering anything; any other error means
// the message may not have been delivered. Implementations are safe for
// concurrent use.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// compose builds the MIME message both Senders write: UTF-8, quoted-printable,
// text/plain or multipart/alternative, with Date and a Message-ID in the
// domain of from. m must be valid.
func (m Message) compose(from *netmail.Address, now time.Time) (*gomail.Msg, error) {
	msg := gomail.NewMsg(
		gomail.WithCharset(gomail.CharsetUTF8),
		gomail.WithEncoding(gomail.EncodingQP),
		gomail.WithNoDefaultUserAgent(),
	)
	msg.FromMailAddress(from)
	if err := msg.To(m.To...); err != nil {
		return nil, err
	}
	if m.ReplyTo != "" {
		if err := msg.ReplyTo(m.ReplyTo); err != nil {
			return nil, err
		}
	}
	msg.Subject(lineBreaks.Replace(m.Subject))
	msg.SetDateWithValue(now)
	if m.ID != "" {
		msg.SetMessageIDWithValue(m.ID + "@" + domainOf(from.Address))
	} else {
		msg.SetMessageIDWithValue(messageID(from.Address, now))
	}
	if m.ListUnsubscribe != "" {
		msg.SetGenHeader(gomail.Header("List-Unsubscribe"), "<"+m.ListUnsubscribe+">")
	}
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	for _, a := range m.Attachments {
		if err := msg.AttachReader(a.Name, bytes.NewReader(a.Data), gomail.WithFileContentType(gomail.ContentType(a.Type))); err != nil {
			return nil, err
		}
	}
	return msg, nil
}

// lineBreaks turns line breaks into spaces, so a subject stays one header.
var lineBreaks = strings.NewReplacer("\r\n", " ", "\r", " ", "\n", " ")

// messageID returns a globally unique Message-ID (without angle brackets) in
// the domain of the sender address.
func messageID(from string, now time.Time) string {
	return fmt.Sprintf("%d.%s@%s", now.UnixNano(), randomHex(8), domainOf(from))
}

// domainOf answers the domain of an address, for Message-IDs.
func domainOf(from string) string {
	if i := strings.LastIndexByte(from, '@'); i >= 0 && i < len(from)-1 {
		return from[i+1:]
	}
	return "samvirke.localhost"
}

// idChars are the characters a Message.ID may hold.
const idChars = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.-_"

// randomHex returns n random bytes, hex-encoded.
func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return hex.EncodeToString(b)
}
