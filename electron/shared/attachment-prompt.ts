import type { Attachment, ChatTurn } from "./contract/chat.js";

/**
 * How attached files go into a user turn: DeepSeek's file template for R1 (from the model card's
 * "official prompt for file upload"), one block per file, then the question.
 */
export function attachmentBlock(attachment: Pick<Attachment, "name" | "content">): string {
  return `[file name]: ${attachment.name}\n[file content begin]\n${attachment.content}\n[file content end]\n`;
}

/** The text the model reads for a user turn: its files' blocks, then what the user wrote. */
export function userTurnText(turn: Pick<ChatTurn, "content" | "attachments">): string {
  if (!turn.attachments?.length) return turn.content;
  return `${turn.attachments.map(attachmentBlock).join("")}${turn.content}`;
}

/** True when the turn carries attached files (or a long paste turned into one). */
export function hasAttachments(turn: Pick<ChatTurn, "attachments">): boolean {
  return (turn.attachments?.length ?? 0) > 0;
}
