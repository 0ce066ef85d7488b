import { deleteServer } from "../../lib/api/routes.js";
import { notImplemented } from "../../lib/http/not-implemented.js";

// The logic of this endpoint lands with its issue; until then the stack answers 501.
export const main = notImplemented(deleteServer);
