print('start fetching')
for i in range(8):
    print(i)
print('done fetching')
print({'data': 1})
print(8)
print(9)
