package notify

import "context"

// Notifier delivers one message to one channel.
//
// Notify reports whether a failed delivery should be retried (transport errors, HTTP 5xx and
// 429, SMTP 4yz) or has failed permanently. The error never contains a secret (webhook URL,
// token, routing key, password). RetryAfter(err) gives the server's requested delay, if any.
type Notifier interface {
	Notify(ctx context.Context, msg Message) (retry bool, err error)
}
