/**
 * What the shell tells the core about its window, because the notification policy depends on
 * it (notify while hidden or minimised). The browser console reports page visibility.
 */
import { z } from 'zod';

export const WindowStateSchema = z.object({
  visible: z.boolean(),
  minimized: z.boolean(),
  focused: z.boolean(),
});
export type WindowState = z.infer<typeof WindowStateSchema>;

/** A window nobody can see: the state before any shell reports, and of a headless console. */
export const HIDDEN_WINDOW: WindowState = { visible: false, minimized: false, focused: false };
