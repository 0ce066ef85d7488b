// The baseline "function": imports nothing, answers a trivial handler.
exports.main = async () => ({ statusCode: 200, body: "{}" });
