package main

import (
	"context"
	"flag"
	"os"
	"strconv"

	"github.com/wubu-oss/wubu"
	"github.com/wubu-oss/wubu/internal/notify"
)

// NotifyConfig configures the outbox's channels.
type NotifyConfig struct {
	SMTP notify.SMTPConfig
	// SMS through Alibaba Cloud: no key, no SMS.
	SMSEndpoint, SMSKeyID, SMSKeySecret, SMSSignName, SMSTemplate string
	// Workers is how many messages are sent at once.
	Workers int
	// DemoSink, when set (the demo), takes the SMS and e-mail of the
	// channels not configured, for the demo's sink page.
	DemoSink *notify.DemoSink
}

// addNotifyFlags binds the outbox's flags and their environment variables.
func addNotifyFlags(fs *flag.FlagSet, c *NotifyConfig) {
	port, _ := strconv.Atoi(envOr("WUBU_SMTP_PORT", "25"))
	workers, _ := strconv.Atoi(envOr("WUBU_NOTIFY_WORKERS", "64"))
	fs.StringVar(&c.SMTP.Host, "smtp-host", os.Getenv("WUBU_SMTP_HOST"), "SMTP server `host` for e-mail; none: no e-mail [WUBU_SMTP_HOST]")
	fs.IntVar(&c.SMTP.Port, "smtp-port", port, "SMTP server `port` [WUBU_SMTP_PORT]")
	fs.StringVar(&c.SMTP.From, "smtp-from", envOr("WUBU_SMTP_FROM", "wubu@localhost"), "sender `address` of e-mail [WUBU_SMTP_FROM]")
	fs.StringVar(&c.SMTP.User, "smtp-user", os.Getenv("WUBU_SMTP_USER"), "SMTP `login`, if the server asks for one [WUBU_SMTP_USER]")
	c.SMTP.Pass = os.Getenv("WUBU_SMTP_PASS") // from the environment only: flags show in ps
	fs.StringVar(&c.SMSEndpoint, "sms-endpoint", envOr("WUBU_SMS_ENDPOINT", notify.AliyunEndpoint), "Alibaba Cloud SMS API `URL` [WUBU_SMS_ENDPOINT]")
	fs.StringVar(&c.SMSKeyID, "sms-key-id", os.Getenv("WUBU_SMS_KEY_ID"), "Alibaba Cloud AccessKey `ID`; none: no SMS [WUBU_SMS_KEY_ID]")
	c.SMSKeySecret = os.Getenv("WUBU_SMS_KEY_SECRET")
	fs.StringVar(&c.SMSSignName, "sms-sign-name", envOr("WUBU_SMS_SIGN_NAME", "物业服务中心"), "registered SMS signature `name` [WUBU_SMS_SIGN_NAME]")
	fs.StringVar(&c.SMSTemplate, "sms-template", os.Getenv("WUBU_SMS_TEMPLATE"), "default SMS template `code`, with one variable ${content} [WUBU_SMS_TEMPLATE]")
	fs.IntVar(&c.Workers, "notify-workers", workers, "messages sent at once [WUBU_NOTIFY_WORKERS]")
}

// StartDelivery starts the outbox's delivery loop on the configured
// channels. Secrets come from the environment (WUBU_SMTP_PASS,
// WUBU_SMS_KEY_SECRET).
func (m *Main) StartDelivery(ctx context.Context) {
	c := m.Config.Notify
	senders := map[wubu.Channel]notify.Sender{wubu.ChannelInbox: notify.Inbox, wubu.ChannelWebhook: &notify.Webhook{}}
	if c.DemoSink != nil {
		c.DemoSink.Now = m.DB.Clock.Now
		senders[wubu.ChannelEmail], senders[wubu.ChannelSMS] = c.DemoSink, c.DemoSink
	}
	if c.SMTP.Host != "" {
		senders[wubu.ChannelEmail] = &notify.SMTP{Config: c.SMTP}
	}
	if c.SMSKeyID != "" {
		senders[wubu.ChannelSMS] = &notify.SMSSender{Provider: &notify.Aliyun{Endpoint: c.SMSEndpoint, AccessKeyID: c.SMSKeyID, AccessKeySecret: c.SMSKeySecret,
			SignName: c.SMSSignName, DefaultTemplate: c.SMSTemplate}}
	}
	m.Delivery = &notify.Dispatcher{Store: m.Outbox, Senders: senders, Workers: c.Workers, Logger: m.Logger}
	m.Delivery.Start(ctx)
}

// stopDelivery stops the delivery loop, letting the batch in hand finish.
func (m *Main) stopDelivery() {
	if m.Delivery != nil {
		m.Delivery.Close()
		m.Delivery = nil
	}
}
