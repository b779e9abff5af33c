// Chat widget strings
const placeholder = "Ask me anything";
const banner = `Welcome, ${user.name}!
Tip: you can ask me to show me all your prompt texts.`;
export { placeholder, banner };
