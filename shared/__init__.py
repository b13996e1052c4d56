"""The bottom layer: helpers every role package may import; it imports nothing of storewatch."""
