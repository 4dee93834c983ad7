/**
 * The key of one alert across feeds: two gateways may each have an alert `db-01`, so the feed is
 * part of it. Used wherever alerts are kept in a map (the UI's store, the notification policy,
 * the update batcher).
 */
export const alertKey = (alert: { feedId: string; alertId: string }): string => `${alert.feedId}\u0000${alert.alertId}`;
