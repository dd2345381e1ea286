/** A Lark business error; the HTTP layer turns it into `{ code, msg }` with the given status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    msg: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(msg);
  }
}

// Lark answers most business errors with HTTP 400; the messages mirror the real ones where known.
export const invalidParam = (detail: string): ApiError =>
  new ApiError(400, 230001, `Your request contains an invalid request parameter, ext=${detail}`);
export const fieldValidation = (detail: string): ApiError =>
  new ApiError(400, 99992402, `field validation failed: ${detail}`);
export const botNotInChat = (): ApiError => new ApiError(400, 230002, "Bot/User can NOT be out of the chat.");
export const operatorNotInChat = (): ApiError => new ApiError(400, 232011, "Operator can NOT be out of the chat.");
export const userOutOfRange = (): ApiError => new ApiError(400, 230013, "Bot has NO availability to this user.");
export const tooLarge = (): ApiError => new ApiError(400, 230025, "The message content exceeds the maximum length.");
export const badCard = (detail: string): ApiError => new ApiError(400, 230099, `Failed to create card content, ext=${detail}`);
export const recalled = (): ApiError => new ApiError(400, 230011, "The message was withdrawn.");
export const perTargetRateLimited = (): ApiError => new ApiError(400, 230020, "This operation triggers the frequency limit.");
export const notFound = (): ApiError => new ApiError(404, 404, "404 page not found");
