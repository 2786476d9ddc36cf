package mail

import (
	"context"
	"fmt"
	netmail "net/mail"
	"os"
	"path/filepath"
	"time"
)

// DefaultFrom is the sender Folder uses when its From is empty; it matches
// config.Default's MailFrom.
const DefaultFrom = "Samvirke <no-reply@samvirke.localhost>"

// Folder is a Sender that writes each message as an RFC 5322 .eml file into
// Dir instead of delivering it, so that a developer running the embedded
// default can open invitation and reset mails. The files have the same MIME
// shape SMTP sends. Folder logs nothing: the bodies hold one-time tokens.
// (It is not the transactional outbox of package outbox, which decides when
// a message is sent; Folder is only where it goes.)
//
// The zero value with Dir set is ready to use and safe for concurrent use.
type Folder struct {
	// Dir receives the files; it is created with mode 0700 when missing.
	Dir string
	// From is the From header; "" means DefaultFrom.
	From string
}

// Send validates m and writes it to Dir as
// "20060102T150405.000000000Z-<random>.eml" with mode 0600, so that names sort
// by time. The file appears complete or not at all. Errors start with
// "mail: send: " and wrap the cause (an *app.Error for an invalid m).
func (o Folder) Send(ctx context.Context, m Message) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("mail: send: %w", err)
	}
	if err := m.Validate(); err != nil {
		return fmt.Errorf("mail: send: %w", err)
	}
	if o.Dir == "" {
		return fmt.Errorf("mail: send: mail folder is not set")
	}
	fromRaw := o.From
	if fromRaw == "" {
		fromRaw = DefaultFrom
	}
	from, err := netmail.ParseAddress(fromRaw)
	if err != nil {
		return fmt.Errorf("mail: send: sender address %q: %w", fromRaw, err)
	}
	now := time.Now().UTC()
	msg, err := m.compose(from, now)
	if err != nil {
		return fmt.Errorf("mail: send: %w", err)
	}
	if err := os.MkdirAll(o.Dir, 0o700); err != nil {
		return fmt.Errorf("mail: send: %w", err)
	}
	// Write under a hidden temporary name (CreateTemp uses mode 0600) and
	// rename, so that a reader scanning for *.eml never sees half a message.
	tmp, err := os.CreateTemp(o.Dir, ".mail-*.tmp")
	if err != nil {
		return fmt.Errorf("mail: send: %w", err)
	}
	defer os.Remove(tmp.Name())              // no-op after a successful rename
	if err := tmp.Chmod(0o600); err != nil { // whatever the umask
		tmp.Close()
		return fmt.Errorf("mail: send: %w", err)
	}
	if _, err := msg.WriteTo(tmp); err != nil {
		tmp.Close()
		return fmt.Errorf("mail: send: write %s: %w", tmp.Name(), err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("mail: send: write %s: %w", tmp.Name(), err)
	}
	name := filepath.Join(o.Dir, now.Format("20060102T150405.000000000Z")+"-"+randomHex(4)+".eml")
	if err := os.Rename(tmp.Name(), name); err != nil {
		return fmt.Errorf("mail: send: %w", err)
	}
	return nil
}
